"""SQL of the `Item` table (and of `Tombstone`, asked in the same statement): stored items by
identity, a batch's inserts and updates, the publications each cluster holds, bulk loads."""

from __future__ import annotations

import json

from django.db import connection

from ..models import Item, Tombstone
from .rows import insert_rows, update_rows
from .sql import quote, select_in, table

# The columns of a `bulk_load` row, in order; JSON ones are given as JSON text.
BULK_COLUMNS = (
    "source_id", "identity", "title", "link", "authors", "published", "updated", "summary", "identifiers", "doi",
    "pmid", "nct", "kind", "source_format", "subjects", "extra", "raw", "content_hash", "seen_hashes",
    "cluster_id", "status", "created_at", "updated_at",
)
_JSON_COLUMNS = {"authors", "identifiers", "subjects", "extra", "seen_hashes"}


def known(identities):
    """Return ({identity: (id, source id, cluster id, seen hashes)} of stored items, {tombstoned identities})."""
    ident = quote("identity")
    found = select_in(
        f"SELECT 0, {ident}, {quote('id')}, {quote('source_id')}, {quote('cluster_id')}, {quote('seen_hashes')} "
        f"FROM {table(Item)} WHERE {ident} IN ({{marks}}) UNION ALL "
        f"SELECT 1, {ident}, NULL, NULL, NULL, NULL FROM {table(Tombstone)} WHERE {ident} IN ({{marks}})",
        identities, repeat=2,
    )
    existing, dead = {}, set()
    for is_dead, identity, pk, source_id, cluster_id, seen in found:
        if is_dead:
            dead.add(identity)
        else:
            existing[identity] = (pk, source_id, cluster_id, json.loads(seen) if isinstance(seen, str) else seen or [])
    return existing, dead


def insert(new_rows, now):
    """INSERT new items (dicts by attname); return {identity: id} of those written.

    A row whose identity another writer stored since it was looked up is skipped, not an error
    (ON CONFLICT (identity) DO NOTHING), and missing from the answer: the caller can tell it raced.
    """
    return dict(insert_rows(Item, new_rows, returning=("identity", "id"), conflict="identity", now=now))


def update(changed, fields, now):
    """UPDATE `fields` of each item in `changed` (dicts with "id"), in one executemany."""
    update_rows(Item, changed, fields, now=now)


def identifiers_in_clusters(cluster_ids):
    """Return [(cluster id, pmid, doi, nct)] of the items in these clusters with any of the three."""
    pmid, doi, nct, cluster_id = quote("pmid"), quote("doi"), quote("nct"), quote("cluster_id")
    sql = (f"SELECT {cluster_id}, {pmid}, {doi}, {nct} FROM {table(Item)} "
           f"WHERE {cluster_id} IN ({{marks}}) AND ({pmid} <> '' OR {doi} <> '' OR {nct} <> '')")
    return select_in(sql, list(cluster_ids))


def bulk_load(batch):
    """INSERT tuples of `BULK_COLUMNS` values, in one executemany (synthetic data at scale).

    Plain SQL: Django's per-value preparation is most of bulk_create's cost. Datetimes must come
    adapted for the database (`connection.ops.adapt_datetimefield_value`), JSON as text.
    """
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    values = ", ".join(f"%s{cast}" if name in _JSON_COLUMNS else "%s" for name in BULK_COLUMNS)
    with connection.cursor() as raw:
        raw.executemany(f"INSERT INTO {Item._meta.db_table} ({', '.join(BULK_COLUMNS)}) VALUES ({values})", batch)
