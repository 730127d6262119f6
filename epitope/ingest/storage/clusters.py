"""SQL of the `Cluster` table: new stories, their centres, their counts as items join, their relevance."""

from __future__ import annotations

from django.db import connection

from ..models import Cluster, Item
from .rows import insert_rows, update_rows
from .sql import cursor, mark, quote, select_in, table


def insert(new_clusters, now):
    """INSERT clusters (dicts by attname); return their ids, in the order given."""
    return [pk for (pk,) in insert_rows(Cluster, new_clusters, now=now)]


def set_centres(centred):
    """Store the centre of each cluster in `centred` (dicts with "id" and "centre")."""
    update_rows(Cluster, centred, ["centre"])


def centres(cluster_ids):
    """Return [(cluster id, packed centre signature or None, title)] of these clusters."""
    sql = (f"SELECT {quote('id')}, {quote('centre')}, {quote('title')} FROM {table(Cluster)} "
           f"WHERE {quote('id')} IN ({{marks}})")
    return select_in(sql, list(cluster_ids))


def grow(added, source_id, now):
    """Count items about to be stored `now` from `source_id` into their clusters: `added` is
    {cluster id: n}. Call before inserting them.

    Incremental (size + n; one more source unless a stored item came from it), so the cost
    does not grow with the number of copies a story has.
    """
    qn, one = quote, mark()
    clusters = table(Cluster)
    at = connection.ops.adapt_datetimefield_value(now)
    if source_id is None:
        new_source, params = "0", [[n, at, pk] for pk, n in sorted(added.items())]
    else:
        new_source = (
            f"CASE WHEN EXISTS (SELECT 1 FROM {table(Item)} i WHERE i.{qn('cluster_id')} = {clusters}.{qn('id')} "
            f"AND COALESCE(i.{qn('source_id')}, 0) = {one}) THEN 0 ELSE 1 END"
        )  # COALESCE keeps the planner on the cluster's index: a source's own index may hold millions
        params = [[n, source_id, at, pk] for pk, n in sorted(added.items())]
    with cursor() as raw:
        raw.executemany(
            f"UPDATE {clusters} SET {qn('size')} = {qn('size')} + {one}, "
            f"{qn('source_count')} = {qn('source_count')} + {new_source}, {qn('last_seen')} = {one} "
            f"WHERE {qn('id')} = {one}",
            params,
        )


def raise_relevance(scores):
    """Raise each cluster's relevance to its score where it is lower; return how many rose.

    `scores` is [(cluster id, score)]; one executemany of UPDATE … WHERE relevance < score.
    """
    relevance, one = quote("relevance"), mark()
    with cursor() as raw:
        raw.executemany(f"UPDATE {table(Cluster)} SET {relevance} = {one} "
                        f"WHERE {quote('id')} = {one} AND {relevance} < {one}",
                        [[score, pk, score] for pk, score in scores])
        return max(raw.rowcount, 0)
