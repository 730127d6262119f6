"""Put new items into story clusters and keep the clusters' keys and counts in the database.

What makes two items one story — identifiers, links, MinHash/LSH keys — is `dedupe.py`; this
module decides, per batch, which stored story each new item joins (or which new one it starts),
in a fixed number of queries whatever the batch's size or the stories' number of copies.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection
from django.db.models import Count, F, Max, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce

from . import storage
from .dedupe import LSH_BASE, THRESHOLD, pack, plan_keys, similarity, unpack

_BY_ID = object()  # a candidate cluster shares an identifier: no text check


class _UnionFind:
    """Nodes: 0…n-1 for the batch's items, ~cluster_id (negative) for stored clusters."""

    def __init__(self):
        self.parent = {}

    def find(self, x):
        parent = self.parent
        root = parent.get(x, x)
        if root == x:  # most items are a story of their own, or its root: one lookup
            return x
        while (up := parent.get(root, root)) != root:
            root = up
        while x != root:  # point the whole path at the root
            parent[x], x = root, parent[x]
        return root

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:  # a stored cluster (negative) stays the root
            self.parent.setdefault(min(ra, rb), min(ra, rb))
            self.parent[max(ra, rb)] = min(ra, rb)


def assign_clusters(rows, plans, now):
    """Put new, not yet stored, item rows into story clusters; return (keys, grown, merged).

    `grown` is {stored cluster id: rows joining it}, `merged` the clusters that absorbed others.

    `plans[i]` is `plan_keys` of `rows[i]`. Sets each row's `cluster_id` and `minhash`,
    creating clusters for new stories (sized here) and merging stored ones an item bridges.
    `keys[i]` is what row i must store: its keys but those its cluster already holds, so a
    story holds each key once however many copies it has, and finding it stays one row per
    cluster. Call inside the transaction that stores the rows, then `grow_clusters(grown, …)`
    before they are written and `store_keys` and `refresh_clusters(merged)` after: keys, clusters
    and items commit (or vanish) together, so a killed run never leaves an item without its cluster.
    """
    from .models import Cluster, Item

    for row, plan in zip(rows, plans):
        row["minhash"] = pack(plan[0])
    holders = defaultdict(list)  # key -> [(stored cluster id, a holder's item id)]
    holds = defaultdict(set)  # stored cluster id -> the keys it holds
    for key, cluster_id, item_id in _holders(set().union(*(plan[2] for plan in plans))):
        holders[key].append((cluster_id, item_id))
        holds[cluster_id].add(key)

    batch_holders = _batch_holders(plans)

    # Candidates first (node -> _BY_ID if an identifier matched, else what to compare texts with:
    # a stored holder's item id, or the batch index), then one check and one union per
    # candidate, not per shared key.
    every_candidate, to_compare = [], set()
    stored_of, batch_of = holders.get, batch_holders.get
    for i, (_sig, _keys, lookup) in enumerate(plans):
        candidates = {}
        for key in lookup:  # in this order: a band's text is compared with the first holder met
            stored_here, batch_here = stored_of(key), batch_of(key)
            if stored_here is not None:
                if key < LSH_BASE:
                    for cluster_id, _item_id in stored_here:
                        candidates[~cluster_id] = _BY_ID
                else:
                    for cluster_id, item_id in stored_here:
                        if ~cluster_id not in candidates:
                            candidates[~cluster_id] = item_id
            if batch_here is not None:
                for j in batch_here:
                    if j != i:
                        if key < LSH_BASE:
                            candidates[j] = _BY_ID
                        elif j not in candidates:
                            candidates[j] = j
        every_candidate.append(candidates)
        to_compare.update(evidence for node, evidence in candidates.items() if node < 0 and evidence is not _BY_ID)
    # The stored signatures to compare with, read once: holders name them, most need none.
    stored_sigs = dict(_signatures(to_compare))

    uf = _UnionFind()
    find = uf.find
    for i, candidates in enumerate(every_candidate):
        sig = plans[i][0]
        for node, evidence in candidates.items():
            if find(i) == find(node):
                continue
            if evidence is _BY_ID or _near(sig, plans[node][0] if node >= 0 else stored_sigs.get(evidence)):
                uf.union(i, node)

    members, stored = defaultdict(list), defaultdict(list)
    for i in range(len(rows)):
        members[find(i)].append(i)
    for node in list(uf.parent):
        if node < 0:
            stored[find(node)].append(~node)
    keys, grown, merged, fresh = [None] * len(rows), {}, set(), []
    for root, batch in members.items():
        have = set().union(*(holds[cluster_id] for cluster_id in stored.get(root, ())))  # held already
        for i in batch:
            keys[i] = plans[i][1] - have
            have = have | keys[i]
        cluster_ids = sorted(stored.get(root, ()))
        if not cluster_ids:
            fresh.append(batch)
            continue
        target = cluster_ids[0]
        if len(cluster_ids) > 1:  # this item bridges stories we had kept apart
            Item.objects.filter(cluster_id__in=cluster_ids[1:]).update(cluster_id=target)
            Cluster.objects.filter(pk__in=cluster_ids[1:]).delete()
            merged.add(target)
        for i in batch:
            rows[i]["cluster_id"] = target
        grown[target] = grown.get(target, 0) + len(batch)
    # New stories are counted here; only clusters that already had items need recounting in SQL.
    created = storage.insert(Cluster, [
        {"title": rows[batch[0]]["title"][:1000], "size": len(batch), "first_seen": now, "last_seen": now,
         "source_count": len({rows[i]["source_id"] for i in batch if rows[i]["source_id"]})}
        for batch in fresh
    ], now=now)
    for (cluster_id,), batch in zip(created, fresh, strict=True):
        for i in batch:
            rows[i]["cluster_id"] = cluster_id
    return keys, {pk: n for pk, n in grown.items() if pk not in merged}, merged


def _batch_holders(plans):
    """Return {key: [indexes of the batch's items storing it]} for the keys another item of the
    batch has or looks up: the only ones that can join two items of the batch.

    Found with set operations, as most keys are an item's own.
    """
    seen, shared = set(), set()  # keys stored by some item, by more than one
    for _sig, keys, _lookup in plans:
        shared |= seen & keys
        seen |= keys
    wanted = set(shared)
    for _sig, keys, lookup in plans:
        wanted |= (lookup - keys) & seen
    found = defaultdict(list)
    if wanted:
        for i, (_sig, keys, _lookup) in enumerate(plans):
            for key in keys & wanted:
                found[key].append(i)
    return found


def _holders(keys):
    """Yield (key, cluster id, item id) for each cluster holding any of the keys.

    One item per cluster is enough to decide whether to join it, and keeps the answer linear in
    clusters, not copies; its signature is read apart (`_signatures`), only where a band key
    needs the text check, rather than once per row here.
    """
    from .models import ClusterKey, Item

    qn = connection.ops.quote_name
    key, item_id, cluster_id, id_ = qn("key"), qn("item_id"), qn("cluster_id"), qn("id")
    sql = (
        f"SELECT k.{key}, i.{cluster_id}, MIN(k.{item_id}) "
        f"FROM {storage.table(ClusterKey)} k JOIN {storage.table(Item)} i ON i.{id_} = k.{item_id} "
        f"WHERE k.{key} IN ({{marks}}) AND i.{cluster_id} IS NOT NULL GROUP BY k.{key}, i.{cluster_id}"
    )
    return storage.select_in(sql, keys) if keys else []


def _signatures(item_ids):
    """Yield (item id, unpacked MinHash signature) of stored items."""
    from .models import Item

    if not item_ids:
        return
    qn = connection.ops.quote_name
    sql = f"SELECT {qn('id')}, {qn('minhash')} FROM {storage.table(Item)} WHERE {qn('id')} IN ({{marks}})"
    for item_id, blob in storage.select_in(sql, list(item_ids)):
        yield item_id, unpack(blob)


def _near(a, b):
    return bool(a and b) and similarity(a, b) >= THRESHOLD


def store_keys(pairs):
    """Save cluster keys: `pairs` is [(item id, integer keys)] of items now stored."""
    from .models import ClusterKey

    rows = [(key, item_id) for item_id, keys in pairs for key in keys]
    qn, mark = connection.ops.quote_name, storage.mark()
    with storage.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {storage.table(ClusterKey)} ({qn('key')}, {qn('item_id')}) "
                           f"VALUES ({mark}, {mark}) ON CONFLICT DO NOTHING", rows)


def rekey(Item, ClusterKey):
    """Recompute every stored item's signature and cluster keys (after a change to how they are made).

    Takes the models (a migration's historical ones); clusters themselves are left as they are.
    """
    ClusterKey.objects.all().delete()
    last = 0
    while True:
        items = list(Item.objects.filter(pk__gt=last).order_by("pk")
                     .only("pk", "title", "summary", "link", "identifiers")[:2000])
        if not items:
            return
        keys = []
        for item in items:
            sig, stored, _lookup = plan_keys(item.title, item.summary, item.link, item.identifiers)
            item.minhash = pack(sig)
            keys += [ClusterKey(key=key, item_id=item.pk) for key in stored]
        Item.objects.bulk_update(items, ["minhash"], batch_size=500)
        ClusterKey.objects.bulk_create(keys, batch_size=2000)
        last = items[-1].pk


def hand_over_keys(item):
    """Give the keys a deleted item held for its story to another item of its cluster.

    A story holds each key once (`assign_clusters`); without this, deleting the item that holds
    them would leave its later near-duplicates unable to find the story.
    """
    from .models import ClusterKey, Item

    if not item.cluster_id:
        return
    heir = Item.objects.filter(cluster_id=item.cluster_id).exclude(pk=item.pk).values_list("pk", flat=True).first()
    if heir is None:
        return
    qn = connection.ops.quote_name
    table = storage.table(ClusterKey)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({qn('key')}, {qn('item_id')}) SELECT {qn('key')}, %s FROM {table} "
                       f"WHERE {qn('item_id')} = %s ON CONFLICT DO NOTHING", [heir, item.pk])


def grow_clusters(added, source_id, now):
    """Count the items about to be stored `now` from `source_id` into clusters that already had
    items: `added` is {cluster id: n}. Call before inserting them.

    Incremental (size + n; one more source unless a stored item came from it), so the cost
    does not grow with the number of copies a story has.
    """
    from .models import Cluster, Item

    if not added:
        return
    qn, mark = connection.ops.quote_name, storage.mark()
    clusters = storage.table(Cluster)
    at = connection.ops.adapt_datetimefield_value(now)
    if source_id is None:
        new_source, params = "0", [[n, at, pk] for pk, n in sorted(added.items())]
    else:
        new_source = (
            f"CASE WHEN EXISTS (SELECT 1 FROM {storage.table(Item)} i WHERE i.{qn('cluster_id')} = {clusters}.{qn('id')} "
            f"AND COALESCE(i.{qn('source_id')}, 0) = {mark}) THEN 0 ELSE 1 END"
        )  # COALESCE keeps the planner on the cluster's index: a source's own index may hold millions
        params = [[n, source_id, at, pk] for pk, n in sorted(added.items())]
    with storage.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {clusters} SET {qn('size')} = {qn('size')} + {mark}, "
            f"{qn('source_count')} = {qn('source_count')} + {new_source}, {qn('last_seen')} = {mark} "
            f"WHERE {qn('id')} = {mark}",
            params,
        )


def refresh_clusters(cluster_ids):
    """Recount size, distinct sources and dates of the given clusters, in one UPDATE per chunk."""
    from .models import Cluster, Item

    def per_cluster(aggregate):
        rows = Item.objects.filter(cluster_id=OuterRef("pk")).order_by().values("cluster_id")
        return Subquery(rows.annotate(value=aggregate).values("value")[:1])

    for chunk in storage.chunks(cluster_ids):
        Cluster.objects.filter(pk__in=chunk).update(
            size=Coalesce(per_cluster(Count("id")), 0),
            source_count=Coalesce(per_cluster(Count("source", distinct=True)), 0),
            first_seen=Coalesce(per_cluster(Min("created_at")), F("first_seen")),
            last_seen=Coalesce(per_cluster(Max("created_at")), F("last_seen")),
        )
