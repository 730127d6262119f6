"""Put new items into story clusters and keep the clusters' keys and counts in the database.

What makes two items one story — identifiers, links, MinHash/LSH keys — is `dedupe.py`; this
module decides, per batch, which stored story each new item joins (or which new one it starts),
in a fixed number of queries whatever the batch's size or the stories' number of copies.

Which stories join — identifiers outright, text only through the stories' centres, never two
stories holding different publications — is decided in memory by `story_joins.py`; this module
reads what it needs from the database and stores the outcome.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F, Max, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce

from . import story_joins
from .dedupe import pack, plan_keys, unpack
from .models import Cluster, Item
from .storage import cluster_keys
from .storage import clusters as cluster_rows
from .storage import items as item_rows
from .storage.sql import chunks
from .story_joins import different_works, works_of  # noqa: F401 (where they were: this module's API)


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
    for row, plan in zip(rows, plans):
        row["minhash"] = pack(plan[0])
    holders, holds = _stored_holders(plans)
    every_candidate = story_joins.candidates(plans, holders, story_joins.batch_holders(plans))
    # Every candidate story's centre (signature, title), read once: a story met through an
    # identifier may later be compared by text, when another item of the batch joins it.
    stored_centres = dict(_centres({~node for found in every_candidate for node in found if node < 0}))
    # The publications each story holds (PMID, DOI, NCT id): text never joins two stories that
    # hold different ones, however alike their words (chapters of a book, Part 1 / Part 2).
    stories = story_joins.Stories(rows, plans, stored_centres, _works(stored_centres))
    stories.link(every_candidate)
    return _place(rows, plans, stories, holds, stored_centres, now)


def _stored_holders(plans):
    """Return ({key: stored cluster ids holding it}, {stored cluster id: the keys it holds})."""
    holders, holds = defaultdict(set), defaultdict(set)
    for key, cluster_id in cluster_keys.holders(set().union(*(plan[2] for plan in plans))):
        holders[key].add(cluster_id)
        holds[cluster_id].add(key)
    return holders, holds


def _place(rows, plans, stories, holds, stored_centres, now):
    """Give each row its story's cluster and the keys it must store; return (keys, grown, merged).

    A story of stored clusters keeps the oldest, absorbing the others an item bridged; a story
    of new items only gets a new cluster.
    """
    keys, grown, merged, fresh, centred = [None] * len(rows), {}, set(), [], []
    for root, batch, cluster_ids in _groups(stories, len(rows)):
        have = set().union(*(holds[cluster_id] for cluster_id in cluster_ids))  # held already
        for i in batch:
            keys[i] = plans[i][1] - have
            have = have | keys[i]
        if not cluster_ids:
            fresh.append(batch)
            continue
        target = cluster_ids[0]
        if len(cluster_ids) > 1:  # this item bridges stories we had kept apart
            Item.objects.filter(cluster_id__in=cluster_ids[1:]).update(cluster_id=target)
            Cluster.objects.filter(pk__in=cluster_ids[1:]).delete()
            merged.add(target)
        centre = stories.centre_of(root)[0]
        if stored_centres.get(target, (None,))[0] is None and centre is not None:
            centred.append({"id": target, "centre": pack(centre)})  # a story of short items gains one
        for i in batch:
            rows[i]["cluster_id"] = target
        grown[target] = grown.get(target, 0) + len(batch)
    cluster_rows.set_centres(centred)
    _create_clusters(rows, stories, fresh, now)
    return keys, {pk: n for pk, n in grown.items() if pk not in merged}, merged


def _groups(stories, n):
    """Return (root, its batch items, its stored cluster ids sorted) of each story holding one of
    the batch's n items."""
    members, stored = defaultdict(list), defaultdict(list)
    for i in range(n):
        members[stories.find(i)].append(i)
    for node in list(stories.parent):
        if node < 0:
            stored[stories.find(node)].append(~node)
    return [(root, batch, sorted(stored.get(root, ()))) for root, batch in members.items()]


def _create_clusters(rows, stories, fresh, now):
    """Insert a cluster for each new story (`fresh`: lists of row indexes) and point its rows at it.

    New stories are counted here; only clusters that already had items need recounting in SQL.
    """
    def new_cluster(batch):
        sig, title = stories.centre_of(batch[0])
        return {"title": title[:1000], "size": len(batch), "first_seen": now, "last_seen": now,
                "source_count": len({rows[i]["source_id"] for i in batch if rows[i]["source_id"]}),
                "centre": pack(sig)}

    created = cluster_rows.insert([new_cluster(batch) for batch in fresh], now)
    for cluster_id, batch in zip(created, fresh, strict=True):
        for i in batch:
            rows[i]["cluster_id"] = cluster_id


def _works(cluster_ids):
    """Yield (cluster id, works_of its items) of the stored clusters that hold any."""
    if not cluster_ids:
        return
    held = defaultdict(set)
    for cluster_id, pmid, doi, nct in item_rows.identifiers_in_clusters(cluster_ids):
        held[cluster_id] |= works_of({"pmid": pmid, "doi": doi, "nct": nct})
    for cluster_id, works in held.items():
        yield cluster_id, frozenset(works)


def _centres(cluster_ids):
    """Yield (cluster id, (unpacked centre signature or None, title)) of stored clusters.

    Whether an item may join a story that holds one of its keys is decided against this centre.
    """
    if not cluster_ids:
        return
    for cluster_id, blob, title in cluster_rows.centres(cluster_ids):
        yield cluster_id, (unpack(blob), title)


def store_keys(pairs):
    """Save cluster keys: `pairs` is [(item id, integer keys)] of items now stored."""
    cluster_keys.insert([(key, item_id) for item_id, keys in pairs for key in keys])


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
    if not item.cluster_id:
        return
    heir = Item.objects.filter(cluster_id=item.cluster_id).exclude(pk=item.pk).values_list("pk", flat=True).first()
    if heir is None:
        return
    cluster_keys.copy(item.pk, heir)


def grow_clusters(added, source_id, now):
    """Count the items about to be stored `now` from `source_id` into clusters that already had
    items: `added` is {cluster id: n}. Call before inserting them (see `storage.clusters.grow`).
    """
    if added:
        cluster_rows.grow(added, source_id, now)


def refresh_clusters(cluster_ids):
    """Recount size, distinct sources and dates of the given clusters, in one UPDATE per chunk."""
    def per_cluster(aggregate):
        rows = Item.objects.filter(cluster_id=OuterRef("pk")).order_by().values("cluster_id")
        return Subquery(rows.annotate(value=aggregate).values("value")[:1])

    for chunk in chunks(cluster_ids):
        Cluster.objects.filter(pk__in=chunk).update(
            size=Coalesce(per_cluster(Count("id")), 0),
            source_count=Coalesce(per_cluster(Count("source", distinct=True)), 0),
            first_seen=Coalesce(per_cluster(Min("created_at")), F("first_seen")),
            last_seen=Coalesce(per_cluster(Max("created_at")), F("last_seen")),
        )
