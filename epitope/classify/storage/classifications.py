"""SQL of the `StoredClassification` and `ClassifiedConcept` tables: a batch's rows in and out.

Rows are written with plain multi-row INSERTs and the old ones of re-classified objects removed
with plain DELETEs: neither model has a delete receiver of its own (the global `pre_delete`
one is for pages) nor anything cascading to it.
"""

from __future__ import annotations

from epitope.ingest.storage.rows import insert_rows
from epitope.ingest.storage.sql import chunks, cursor, mark, quote, table

from ..models import ClassifiedConcept, StoredClassification


def insert(stored, concepts, now, ids=True):
    """INSERT classifications and their concept rows (dicts by attname); return the classifications'
    ids in the order given (an empty list unless `ids`)."""
    created = insert_rows(StoredClassification, stored, returning=("id",) if ids else (), now=now)
    insert_rows(ClassifiedConcept, concepts, returning=(), now=now)
    return [pk for (pk,) in created]


def delete(type_id, object_ids):
    """DELETE the classifications and concept rows of these objects (pks) of one content type."""
    _delete(StoredClassification, type_id, [str(pk) for pk in object_ids])
    _delete(ClassifiedConcept, type_id, object_ids)


def _delete(model, type_id, object_ids):
    one = mark()
    with cursor() as raw:
        for part in chunks(object_ids):
            raw.execute(f"DELETE FROM {table(model)} WHERE {quote('content_type_id')} = {one} "
                        f"AND {quote('object_id')} IN ({', '.join([one] * len(part))})", [type_id, *part])
