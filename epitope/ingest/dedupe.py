"""Group the same story from several sources into one cluster.

Two items belong to the same story when
1. they share an identifier — a DOI, PMID, PMCID or NCT id that one has and the other has or
   mentions (a news summary citing "NCT01234567" or linking to doi.org/10.…), or one links to
   the page the other *is* (a news story linking to the press release); or
2. their text is a near-duplicate: the Jaccard similarity of their word 3-shingles (title +
   the first `MAX_WORDS` words of the summary) is at least `THRESHOLD`, estimated with MinHash
   and found with LSH banding, so matching costs one indexed lookup per band.

MinHash here is one-permutation hashing with rotation densification (Shrivastava & Li, 2014):
each shingle is hashed once and lands in one of `BINS` bins, which costs O(words) instead of
O(words × permutations). A shingle's hash is its three words' CRC-32s, shifted 0, 1 and 2 bits
and XORed, so each word is hashed once, not three times (estimates checked against exact
Jaccard on random texts: no bias, s.d. 0.05–0.06 as with a string hash per shingle).

LSH: `BANDS` × `ROWS` = 10 × 3 of the 64 bins. The chance that two texts of Jaccard s share at
least one band is 1 − (1 − s³)¹⁰: 0.74 at s = 0.5, 0.91 at 0.6, 0.985 at 0.7, 0.997 at 0.8 —
syndicated copies score 0.6–1.0 — and about 10⁻⁵ per stored item for unrelated texts
(s ≈ 0.01), so candidates stay few at a million items. The S-curve's midpoint,
(1/10)^(1/3) ≈ 0.46, sits just under `THRESHOLD`; every candidate is then checked against the
estimate over all 64 bins, so banding only decides what gets compared.

Clusters are found through `ClusterKey` rows: one 63-bit integer per identifier, link and LSH
band (about 13 per item), so a later item finds its story with one `key IN (…)` query, however
many items are stored. A story holds each key once: an item joining a cluster stores only the
keys the cluster lacks, so syndicated copies add rows only for what they add, and a lookup
reads one row per cluster, not per copy (a deleted item hands its keys to another member).
Identifier keys are below 2⁵⁸; band b's keys carry b + 1 in the top bits, so a key says by
itself whether matching it needs the text check.
"""

from __future__ import annotations

import re
import struct
from collections import defaultdict
from hashlib import blake2b
from operator import eq
from urllib.parse import urlsplit, urlunsplit
from zlib import crc32

from django.db import connection
from django.db.models import Count, F, Max, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce

from . import storage

BINS, BANDS, ROWS = 64, 10, 3
THRESHOLD = 0.5  # estimated Jaccard of word 3-shingles; syndicated copies score 0.6–1.0
SHINGLE = 3
MIN_SHINGLES = 8  # shorter texts ("Weekly roundup") say too little to call two items one story
MAX_WORDS = 80  # near-duplicates share their lead; the tail of long abstracts adds cost, not signal
_HEAD = 2000  # characters that hold MAX_WORDS words unless the markup is heavy
LSH_BASE = 1 << 58  # keys at or above are LSH bands
_MASK58 = LSH_BASE - 1
_ID_KEYS = {"doi": "doi", "preprint_doi": "doi", "pmid": "pmid", "pmcid": "pmcid", "nct": "nct"}
_SIG = struct.Struct(f"<{BINS}I")

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NCT = re.compile(r"\bNCT\d{8}\b", re.I)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>]+)", re.I)
_PMID = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|\bPMID:?\s*)(\d{1,9})\b", re.I)
_PMCID = re.compile(r"\bPMC\d{4,9}\b", re.I)
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.I)
_TAG = re.compile(r"<[^>]+>")


# -- identifiers and links -------------------------------------------------------------------

def _clean_doi(doi):
    return doi.rstrip(".,;:)]}").lower()


def mentioned_identifiers(*texts):
    """Return {"nct:…", "doi:…", "pmid:…", "pmcid:…"} keys for identifiers written in the texts."""
    keys = set()
    for text in texts:
        if not text:
            continue
        # Cheap substring tests first: most summaries mention no identifier at all.
        low = text.lower()
        if "nct" in low:
            keys.update("nct:" + m.upper() for m in _NCT.findall(text))
        if "10." in text:
            keys.update("doi:" + _clean_doi(m) for m in _DOI.findall(text))
        if "pmid" in low or "pubmed" in low:
            keys.update("pmid:" + m for m in _PMID.findall(text))
        if "pmc" in low:
            keys.update("pmcid:" + m.upper() for m in _PMCID.findall(text))
    return keys


def normalise_url(url):
    """Return a comparable form of a web address ('' if it is not one worth matching on)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    host = parts.netloc.lower().removeprefix("www.")
    if host in ("doi.org", "dx.doi.org"):
        return ""  # matched as a DOI instead
    query = "&".join(p for p in parts.query.split("&") if p and not p.lower().startswith("utm_"))
    path = parts.path.rstrip("/") or "/"
    if path == "/" and not query:
        return ""  # a home page is not a story
    return urlunsplit(("", host, path, query, ""))[2:]


def item_keys(item):
    """Return (keys to store, keys to look up) for an item's identifiers and links, as text."""
    return text_keys(item.title, item.summary, item.link, item.identifiers)


def text_keys(title, summary, link, identifiers):
    ids = {f"{_ID_KEYS[k]}:{v}" for k, v in (identifiers or {}).items() if k in _ID_KEYS and v}
    ids = {("doi:" + _clean_doi(k[4:])) if k.startswith("doi:") else k for k in ids}
    ids |= mentioned_identifiers(title, summary, link)
    own = normalise_url(link or "")
    summary = summary or ""
    refs = {u for u in map(normalise_url, _HREF.findall(summary)) if u and u != own} if "href" in summary else set()
    stored = set(ids) | {"ref:" + u for u in refs}
    lookup = set(ids) | {"url:" + u for u in refs}
    if own:
        stored.add("url:" + own)
        lookup |= {"url:" + own, "ref:" + own}
    return stored, lookup


def key_id(text):
    """Return the stored integer form of a text key (below `LSH_BASE`)."""
    return int.from_bytes(blake2b(text.encode(), digest_size=8).digest(), "big") & _MASK58


# -- MinHash ---------------------------------------------------------------------------------

def _words(text):
    # Only the first MAX_WORDS words count: read a prefix (not ending inside a tag), and the
    # whole text only if the prefix held too few words to be sure its last one was whole.
    head = text[:_HEAD]
    if len(text) > _HEAD and head.rfind("<") > head.rfind(">"):
        head = head[:head.rfind("<")]
    words = _WORD.findall(_TAG.sub(" ", head).lower())
    if len(words) <= MAX_WORDS and len(text) > len(head):
        words = _WORD.findall(_TAG.sub(" ", text).lower())
    return words[:MAX_WORDS]


def shingle_hashes(text):
    """Return the set of 32-bit hashes of the text's word 3-shingles."""
    words = _words(text)
    w = list(map(crc32, map(str.encode, words)))
    return {(a ^ b << 1 ^ c << 2) & 0xFFFFFFFF for a, b, c in zip(w, w[1:], w[2:])}


def signature(text):
    """Return the MinHash signature of a text as a tuple of BINS ints, or None if it is too short."""
    grams = shingle_hashes(text)
    if len(grams) < MIN_SHINGLES:
        return None
    # Walking the hashes from largest to smallest, the last value written to a bin is its minimum.
    mins = {h & (BINS - 1): h >> 6 for h in sorted(grams, reverse=True)}
    sig = [mins.get(b) for b in range(BINS)]
    if len(mins) < BINS:
        # Rotation densification: an empty bin borrows the next filled bin's value, offset by the
        # distance so that borrowed values stay distinguishable from genuine ones.
        first = min(mins)
        j, value = first + BINS, mins[first]
        for i in range(BINS - 1, -1, -1):
            if sig[i] is None:
                sig[i] = value + ((j - i) << 26)
            else:
                j, value = i, sig[i]
    return tuple(sig)


def pack(sig):
    return _SIG.pack(*sig) if sig else None


def unpack(blob):
    return _SIG.unpack(bytes(blob)) if blob else None


def similarity(a, b):
    """Return the estimated Jaccard similarity of two signatures."""
    return sum(map(eq, a, b)) / BINS


def band_keys(sig):
    """Return the LSH band keys of a signature (none for a text too short to have one)."""
    if not sig:
        return set()
    keys = set()
    for band in range(BANDS):
        a, b, c = sig[band * ROWS:(band + 1) * ROWS]
        mixed = ((a | b << 32) * 0x9E3779B97F4A7C15 + c * 0xC2B2AE3D27D4EB4F) & 0xFFFFFFFFFFFFFFFF
        keys.add((band + 1) * LSH_BASE | (mixed ^ mixed >> 29) & _MASK58)
    return keys


def plan_keys(title, summary, link, identifiers):
    """Return (signature, integer keys to store, integer keys to look up) for one new item."""
    sig = signature(f"{title}\n{summary}")
    stored, lookup = text_keys(title, summary, link, identifiers)
    ids = {text: key_id(text) for text in stored | lookup}
    bands = band_keys(sig)
    return sig, {ids[k] for k in stored} | bands, {ids[k] for k in lookup} | bands


# -- assigning clusters ----------------------------------------------------------------------

_BY_ID = object()  # a candidate cluster shares an identifier: no text check


class _UnionFind:
    """Nodes: 0…n-1 for the batch's items, ~cluster_id (negative) for stored clusters."""

    def __init__(self):
        self.parent = {}

    def find(self, x):
        parent = self.parent
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

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
    cluster. Call inside the transaction that stores the rows, then `store_keys`,
    `grow_clusters(grown, …)` and `refresh_clusters(merged)` once they are written: keys, clusters
    and items commit (or vanish) together, so a killed run never leaves an item without its cluster.
    """
    from .models import Cluster, Item

    for row, plan in zip(rows, plans):
        row["minhash"] = pack(plan[0])
    holders = defaultdict(list)  # key -> [(stored cluster id, a holder's packed signature if a band)]
    for key, cluster_id, blob in _holders(set().union(*(plan[2] for plan in plans))):
        holders[key].append((cluster_id, blob))
    unpacked = {}

    def unpacked_sig(blob):  # most holders need no check (already joined): unpack lazily, once
        if blob not in unpacked:
            unpacked[blob] = unpack(blob)
        return unpacked[blob]

    batch_holders = defaultdict(list)  # key -> [index in this batch]
    for i, plan in enumerate(plans):
        for key in plan[1]:
            batch_holders[key].append(i)

    uf = _UnionFind()
    find = uf.find
    for i, (sig, _keys, lookup) in enumerate(plans):
        # Candidates first (node -> _BY_ID if an identifier matched, else what to compare texts
        # with: a stored holder's packed signature, or the batch index), then one check and one
        # union per candidate, not per shared key.
        candidates = {}
        for key in lookup:
            stored_here, batch_here = holders.get(key), batch_holders.get(key)
            if not stored_here and (batch_here is None or batch_here == [i]):
                continue  # most keys: nobody else has them
            lsh = key >= LSH_BASE
            for cluster_id, blob in stored_here or ():
                if not lsh:
                    candidates[~cluster_id] = _BY_ID
                elif ~cluster_id not in candidates:
                    candidates[~cluster_id] = blob
            for j in batch_here or ():
                if j != i:
                    if not lsh:
                        candidates[j] = _BY_ID
                    elif j not in candidates:
                        candidates[j] = j
        for node, evidence in candidates.items():
            if find(i) == find(node):
                continue
            if evidence is _BY_ID or _near(sig, plans[node][0] if node >= 0 else unpacked_sig(evidence)):
                uf.union(i, node)

    members, stored = defaultdict(list), defaultdict(list)
    for i in range(len(rows)):
        members[find(i)].append(i)
    for node in list(uf.parent):
        if node < 0:
            stored[find(node)].append(~node)
    held = defaultdict(set)  # root -> keys its stored clusters hold already
    for key, holding in holders.items():
        for cluster_id, _blob in holding:
            held[find(~cluster_id)].add(key)
    keys, grown, merged, fresh = [None] * len(rows), {}, set(), []
    for root, batch in members.items():
        have = held.get(root, set())
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


def _holders(keys):
    """Yield (key, cluster id, signature blob or None) for each cluster holding any of the keys.

    One item per cluster is enough to decide whether to join it, and keeps the answer linear in
    clusters, not copies; its signature comes along only for band keys, which need the text check.
    """
    from .models import ClusterKey, Item

    qn = connection.ops.quote_name
    key, item_id, cluster_id, id_ = qn("key"), qn("item_id"), qn("cluster_id"), qn("id")
    items = storage.table(Item)
    sql = (
        f"SELECT g.{key}, g.{cluster_id}, CASE WHEN g.{key} >= {LSH_BASE} THEN i.{qn('minhash')} END FROM ("
        f"SELECT k.{key} AS {key}, i.{cluster_id} AS {cluster_id}, MIN(k.{item_id}) AS {item_id} "
        f"FROM {storage.table(ClusterKey)} k JOIN {items} i ON i.{id_} = k.{item_id} "
        f"WHERE k.{key} IN ({{marks}}) AND i.{cluster_id} IS NOT NULL GROUP BY k.{key}, i.{cluster_id}"
        f") g JOIN {items} i ON i.{id_} = g.{item_id}"
    )
    return storage.select_in(sql, keys) if keys else []


def _near(a, b):
    return bool(a and b) and similarity(a, b) >= THRESHOLD


def store_keys(pairs):
    """Save cluster keys: `pairs` is [(item id, integer keys)] of items now stored."""
    from .models import ClusterKey

    rows = [(key, item_id) for item_id, keys in pairs for key in keys]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {storage.table(ClusterKey)} ({qn('key')}, {qn('item_id')}) VALUES (%s, %s) "
                           "ON CONFLICT DO NOTHING", rows)


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
    """Count items stored `now` from `source_id` into clusters that had items: `added` is {cluster id: n}.

    Incremental (size + n; one more source unless an earlier item came from it), so the cost
    does not grow with the number of copies a story has.
    """
    from .models import Cluster, Item

    if not added:
        return
    qn = connection.ops.quote_name
    clusters = storage.table(Cluster)
    at = connection.ops.adapt_datetimefield_value(now)
    if source_id is None:
        new_source, params = "0", [[n, at, pk] for pk, n in sorted(added.items())]
    else:
        new_source = (
            f"CASE WHEN EXISTS (SELECT 1 FROM {storage.table(Item)} i WHERE i.{qn('cluster_id')} = {clusters}.{qn('id')} "
            f"AND COALESCE(i.{qn('source_id')}, 0) = %s AND i.{qn('created_at')} < %s) THEN 0 ELSE 1 END"
        )  # COALESCE keeps the planner on the cluster's index: a source's own index may hold millions
        params = [[n, source_id, at, at, pk] for pk, n in sorted(added.items())]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {clusters} SET {qn('size')} = {qn('size')} + %s, "
            f"{qn('source_count')} = {qn('source_count')} + {new_source}, {qn('last_seen')} = %s "
            f"WHERE {qn('id')} = %s",
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
