"""SQL of the `VocabularyTerm` table: every editor's term, as plain dicts."""

from __future__ import annotations

from epitope.ingest.storage.sql import cursor, quote, table

from ..models import VocabularyTerm

_COLUMNS = ("facet", "concept", "synonym", "label", "parent", "case_sensitive")


def all_terms() -> list[dict]:
    """Return every VocabularyTerm row as a dict of `_COLUMNS`, ordered as the model is (one query)."""
    with cursor() as raw:
        raw.execute(f"SELECT {', '.join(map(quote, _COLUMNS))} FROM {table(VocabularyTerm)} "
                    f"ORDER BY {quote('facet')}, {quote('concept')}, {quote('synonym')}")
        rows = raw.fetchall()
    return [{"facet": facet, "concept": concept, "synonym": synonym, "label": label, "parent": parent,
             "case_sensitive": bool(case_sensitive)} for facet, concept, synonym, label, parent, case_sensitive in rows]
