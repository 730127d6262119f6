"""Put new items into story clusters and keep the clusters' keys and counts in the database.

What makes two items one story — identifiers, links, MinHash/LSH keys — is `dedupe.py`; this
module decides, per batch, which stored story each new item joins (or which new one it starts),
in a fixed number of queries whatever the batch's size or the stories' number of copies.

Shared identifiers join stories outright. Text alone joins an item to a story only if it is a
near-duplicate of the story's *centre* (the signature of the item the story started with), and
two stories only if their centres are near-duplicates: otherwise items each similar to the next
(A~B~C~…, the ends unrelated) chained into one story of any size — 19,581 items in one case.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection
from django.db.models import Count, F, Max, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce

from . import storage
from .dedupe import LSH_BASE, THRESHOLD, pack, plan_keys, similarity, text_threshold, unpack
from .identifiers import is_preprint_doi

_BY_ID = object()  # a candidate cluster shares an identifier: no text check
_BY_TEXT = object()  # a candidate shares an LSH band: joined only if near the story's centre


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
    holders = defaultdict(set)  # key -> stored cluster ids holding it
    holds = defaultdict(set)  # stored cluster id -> the keys it holds
    for key, cluster_id in _holders(set().union(*(plan[2] for plan in plans))):
        holders[key].add(cluster_id)
        holds[cluster_id].add(key)

    batch_holders = _batch_holders(plans)

    # Candidates first (node -> _BY_ID if an identifier matched, else _BY_TEXT), then one check
    # and one union per candidate, not per shared key.
    every_candidate = []
    stored_of, batch_of = holders.get, batch_holders.get
    for i, (_sig, _keys, lookup) in enumerate(plans):
        candidates = {}
        for key in lookup:
            evidence = _BY_ID if key < LSH_BASE else _BY_TEXT
            for node in [~cluster_id for cluster_id in stored_of(key, ())] + [j for j in batch_of(key, ()) if j != i]:
                if candidates.get(node) is not _BY_ID:
                    candidates[node] = evidence
        every_candidate.append(candidates)
    # Every candidate story's centre (signature, title), read once: a story met through an
    # identifier may later be compared by text, when another item of the batch joins it.
    stored_centres = dict(_centres({~node for c in every_candidate for node in c if node < 0}))
    centre = {~cluster_id: value for cluster_id, value in stored_centres.items()}  # root -> (sig, title)
    # The publications each story holds (PMID, DOI, NCT id): text never joins two stories that
    # hold different ones, however alike their words (chapters of a book, Part 1 / Part 2).
    works = {~cluster_id: held for cluster_id, held in _works(stored_centres)}
    works.update((i, own) for i, row in enumerate(rows) if (own := works_of(row)))

    uf = _UnionFind()
    find = uf.find

    def centre_of(node):
        root = find(node)
        if root in centre:
            return centre[root]
        return (plans[root][0], rows[root]["title"]) if root >= 0 else (None, "")

    def join(a, b):  # a and b are roots; the merged story keeps the older one's centre
        keep, other = sorted((a, b), key=_age)
        kept, others = centre_of(keep), centre_of(other)
        held = works.get(a, frozenset()) | works.get(b, frozenset())
        uf.union(a, b)
        centre[find(a)] = kept if kept[0] is not None else others
        if held:
            works[find(a)] = held

    for i, candidates in enumerate(every_candidate):
        item = (plans[i][0], rows[i]["title"])
        texts, linked = [], False
        for node, evidence in candidates.items():
            if evidence is _BY_ID:
                ri, rn = find(i), find(node)
                if ri != rn:
                    join(ri, rn)
                linked = True
            else:
                texts.append(node)
        if not texts or item[0] is None:
            continue
        # Each story once (a story's copies are many candidates), those whose centre is near
        # enough to matter, the nearest first: an item near two stories joins the closer. Text
        # joins stories only through their centres, so that each item stays near its own.
        roots = {find(node) for node in texts}
        roots.discard(find(i))
        near = []
        for root in roots:
            score = _closeness(item[0], centre_of(root)[0])
            if score >= THRESHOLD:  # the lowest any pair needs (`text_threshold`)
                near.append((-score, _age(root), root))
        for minus_score, _age_, root in sorted(near):
            ri, rn = find(i), find(root)
            if ri == rn:
                continue
            story = centre_of(rn)
            if rn == root:  # its centre is still the one scored
                fits = -minus_score >= text_threshold(item[1], story[1])
            else:
                fits = _same_story(item, story)
            own = centre_of(ri)
            # The item's own story must be near this one too, unless an identifier put the item in
            # it: a paper that joined its news by DOI still joins its preprint by their text.
            if (fits and (own[0] is item[0] or linked or _same_story(own, story))
                    and not different_works(works.get(ri), works.get(rn))):
                join(ri, rn)

    members, stored = defaultdict(list), defaultdict(list)
    for i in range(len(rows)):
        members[find(i)].append(i)
    for node in list(uf.parent):
        if node < 0:
            stored[find(node)].append(~node)
    keys, grown, merged, fresh, centred = [None] * len(rows), {}, set(), [], []
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
        if stored_centres.get(target, (None,))[0] is None and centre_of(root)[0] is not None:
            centred.append({"id": target, "centre": pack(centre_of(root)[0])})  # a story of short items gains one
        for i in batch:
            rows[i]["cluster_id"] = target
        grown[target] = grown.get(target, 0) + len(batch)
    storage.update(Cluster, centred, ["centre"])
    # New stories are counted here; only clusters that already had items need recounting in SQL.
    created = storage.insert(Cluster, [
        {"title": centre_of(batch[0])[1][:1000], "size": len(batch), "first_seen": now, "last_seen": now,
         "source_count": len({rows[i]["source_id"] for i in batch if rows[i]["source_id"]}),
         "centre": pack(centre_of(batch[0])[0])}
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


def works_of(row) -> frozenset:
    """Return the publications an item row is: {("pmid", …), ("doi", …), ("preprint", …), ("nct", …)}."""
    held = set()
    if row.get("pmid"):
        held.add(("pmid", row["pmid"]))
    if row.get("doi"):
        held.add(("preprint" if is_preprint_doi(row["doi"]) else "doi", row["doi"]))
    if row.get("nct"):
        held.add(("nct", row["nct"]))
    return frozenset(held)


def different_works(a, b) -> bool:
    """Return whether two stories hold different publications of one kind (and none in common).

    A paper and its preprint have DOIs of different kinds, so their text may still join them.
    """
    if not a or not b or a & b:
        return False
    kinds_a, kinds_b = {kind for kind, _ in a}, {kind for kind, _ in b}
    return bool(kinds_a & kinds_b)


def _works(cluster_ids):
    """Yield (cluster id, works_of its items) of the stored clusters that hold any."""
    from .models import Item

    if not cluster_ids:
        return
    qn = connection.ops.quote_name
    sql = (f"SELECT {qn('cluster_id')}, {qn('pmid')}, {qn('doi')}, {qn('nct')} FROM {storage.table(Item)} "
           f"WHERE {qn('cluster_id')} IN ({{marks}}) AND ({qn('pmid')} <> '' OR {qn('doi')} <> '' OR {qn('nct')} <> '')")
    held = defaultdict(set)
    for cluster_id, pmid, doi, nct in storage.select_in(sql, list(cluster_ids)):
        held[cluster_id] |= works_of({"pmid": pmid, "doi": doi, "nct": nct})
    for cluster_id, works in held.items():
        yield cluster_id, frozenset(works)


def _holders(keys):
    """Yield (key, cluster id) for each cluster holding any of the keys.

    One row per cluster, not per copy, keeps the answer linear in stories; whether an item may
    join one is decided against the story's centre (`_centres`).
    """
    from .models import ClusterKey, Item

    qn = connection.ops.quote_name
    key, item_id, cluster_id, id_ = qn("key"), qn("item_id"), qn("cluster_id"), qn("id")
    sql = (
        f"SELECT DISTINCT k.{key}, i.{cluster_id} "
        f"FROM {storage.table(ClusterKey)} k JOIN {storage.table(Item)} i ON i.{id_} = k.{item_id} "
        f"WHERE k.{key} IN ({{marks}}) AND i.{cluster_id} IS NOT NULL"
    )
    return storage.select_in(sql, keys) if keys else []


def _centres(cluster_ids):
    """Yield (cluster id, (unpacked centre signature or None, title)) of stored clusters."""
    from .models import Cluster

    if not cluster_ids:
        return
    qn = connection.ops.quote_name
    sql = f"SELECT {qn('id')}, {qn('centre')}, {qn('title')} FROM {storage.table(Cluster)} WHERE {qn('id')} IN ({{marks}})"
    for cluster_id, blob, title in storage.select_in(sql, list(cluster_ids)):
        yield cluster_id, (unpack(blob), title)


def _age(root):
    # Stored stories are older than the batch's; the lowest cluster id or batch index is oldest.
    return (0, ~root) if root < 0 else (1, root)


def _closeness(sig, other):
    return similarity(sig, other) if sig and other else 0.0


def _same_story(item, centre):
    """Return whether an item's (signature, title) is a near-duplicate of a story's centre."""
    return bool(item[0] and centre[0]) and similarity(item[0], centre[0]) >= text_threshold(item[1], centre[1])


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
