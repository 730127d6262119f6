"""SQL of the `ClusterKey` table: which stories hold a key, and storing and handing over keys."""

from __future__ import annotations

from django.db import connection

from ..models import ClusterKey, Item
from .sql import cursor, mark, quote, select_in, table


def holders(keys):
    """Return [(key, cluster id)] for each cluster holding any of the keys.

    One row per cluster, not per copy, keeps the answer linear in stories.
    """
    if not keys:
        return []
    key, item_id, cluster_id, id_ = quote("key"), quote("item_id"), quote("cluster_id"), quote("id")
    sql = (
        f"SELECT DISTINCT k.{key}, i.{cluster_id} "
        f"FROM {table(ClusterKey)} k JOIN {table(Item)} i ON i.{id_} = k.{item_id} "
        f"WHERE k.{key} IN ({{marks}}) AND i.{cluster_id} IS NOT NULL"
    )
    return select_in(sql, keys)


def insert(pairs):
    """Store (key, item id) pairs; a pair already stored is skipped."""
    one = mark()
    with cursor() as raw:
        raw.executemany(f"INSERT INTO {table(ClusterKey)} ({quote('key')}, {quote('item_id')}) "
                        f"VALUES ({one}, {one}) ON CONFLICT DO NOTHING", pairs)


def copy(from_item_id, to_item_id):
    """Give `to_item_id` every key `from_item_id` holds (those it holds already are skipped)."""
    keys, key, item_id = table(ClusterKey), quote("key"), quote("item_id")
    with connection.cursor() as raw:
        raw.execute(f"INSERT INTO {keys} ({key}, {item_id}) SELECT {key}, %s FROM {keys} "
                    f"WHERE {item_id} = %s ON CONFLICT DO NOTHING", [to_item_id, from_item_id])
