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
O(words × permutations) and keeps pure Python fast enough for bulk ingestion. `BANDS` × `ROWS`
= 16 × 4 puts the LSH S-curve's midpoint at (1/16)^(1/4) ≈ 0.5, matching `THRESHOLD`; every
LSH candidate is then checked against the estimate, so banding only decides what gets compared.

Clusters are stored through `ClusterKey` rows (one per identifier, link and LSH band) so a later
item finds its story with one `key IN (…)` query, however many items are stored.
"""

from __future__ import annotations

import re
import struct
from collections import defaultdict
from urllib.parse import urlsplit, urlunsplit
from zlib import adler32, crc32

from django.db import connection
from django.db.models import Count, F, Max, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

BINS, BANDS, ROWS = 64, 16, 4
THRESHOLD = 0.5  # estimated Jaccard of word 3-shingles; syndicated copies score 0.6–1.0
SHINGLE = 3
MIN_SHINGLES = 8  # shorter texts ("Weekly roundup") say too little to call two items one story
MAX_WORDS = 80  # near-duplicates share their lead; the tail of long abstracts adds cost, not signal
_EMPTY = (1 << 32) - 1
_ID_KEYS = {"doi": "doi", "preprint_doi": "doi", "pmid": "pmid", "pmcid": "pmcid", "nct": "nct"}

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
    """Return (keys to store, keys to look up) for an item's identifiers and links."""
    ids = {f"{_ID_KEYS[k]}:{v}" for k, v in (item.identifiers or {}).items() if k in _ID_KEYS and v}
    ids = {("doi:" + _clean_doi(k[4:])) if k.startswith("doi:") else k for k in ids}
    ids |= mentioned_identifiers(item.title, item.summary, item.link)
    own = normalise_url(item.link or "")
    refs = {u for u in map(normalise_url, _HREF.findall(item.summary or "")) if u and u != own}
    stored = set(ids) | {"ref:" + u for u in refs}
    lookup = set(ids) | {"url:" + u for u in refs}
    if own:
        stored.add("url:" + own)
        lookup |= {"url:" + own, "ref:" + own}
    return stored, lookup


# -- MinHash ---------------------------------------------------------------------------------

def shingles(text):
    words = _WORD.findall(_TAG.sub(" ", text).lower())[:MAX_WORDS]
    return {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def signature(text):
    """Return the MinHash signature of a text as BINS 64-bit ints, or None if it is too short."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    bins = [_EMPTY] * BINS
    for gram in grams:
        h = crc32(gram.encode())  # 32 bits are plenty for sets of at most MAX_WORDS shingles
        b, v = h & (BINS - 1), h >> 6
        if v < bins[b]:
            bins[b] = v
    # Rotation densification: an empty bin borrows the next filled bin's value, offset by the
    # distance so that borrowed values stay distinguishable from genuine ones.
    genuine = bins[:]
    for i in range(BINS):
        if genuine[i] == _EMPTY:
            dist = 1
            while genuine[(i + dist) % BINS] == _EMPTY:
                dist += 1
            bins[i] = genuine[(i + dist) % BINS] + dist * (1 << 26)
    return bins


def pack(sig):
    return struct.pack(f"<{BINS}Q", *sig) if sig else None


def unpack(blob):
    return list(struct.unpack(f"<{BINS}Q", bytes(blob))) if blob else None


def similarity(a, b):
    """Return the estimated Jaccard similarity of two signatures."""
    return sum(x == y for x, y in zip(a, b)) / BINS


def band_keys(sig):
    if not sig:
        return set()
    keys = set()
    for band in range(BANDS):
        chunk = struct.pack(f"<{ROWS}Q", *sig[band * ROWS:(band + 1) * ROWS])
        keys.add(f"lsh:{band}:{crc32(chunk):08x}{adler32(chunk):08x}")
    return keys


def text_of(item):
    return f"{item.title}\n{item.summary}"


# -- assigning clusters ----------------------------------------------------------------------

class _UnionFind:
    def __init__(self):
        self.parent = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _chunks(seq, size=500):
    seq = list(seq)
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def assign_clusters(items):
    """Put new, not yet saved, items into story clusters; return what `store_keys` needs.

    Sets `cluster_id` and `minhash` on each item, creating clusters and merging those an item
    bridges. Call inside the transaction that stores the items, then `store_keys` once they have
    ids: keys, clusters and items commit (or vanish) together, so a killed run never leaves an
    item without its cluster.
    """
    from .models import Cluster, Item

    sigs, stored, lookup = [], [], []
    for item in items:
        sig = signature(text_of(item))
        item.minhash = pack(sig)
        keys, wanted = item_keys(item)
        bands = band_keys(sig)
        sigs.append(sig)
        stored.append(keys | bands)
        lookup.append(wanted | bands)

    # key -> {cluster id: one stored item holding the key}; one item per cluster is enough to
    # decide whether to join it, and keeps this linear when a story has hundreds of copies.
    holders = defaultdict(dict)
    for key, item_id, cluster_id in _holders(set().union(*lookup) if lookup else ()):
        holders[key].setdefault(cluster_id, item_id)
    lsh_items = {pk for key, rows in holders.items() if key.startswith("lsh:") for pk in rows.values()}
    stored_sigs = {}
    for chunk in _chunks(lsh_items):
        stored_sigs.update((pk, unpack(blob)) for pk, blob in Item.objects.filter(pk__in=chunk).values_list("pk", "minhash"))
    batch_holders = defaultdict(list)  # key -> [index in this batch]
    for i, keys in enumerate(stored):
        for key in keys:
            batch_holders[key].append(i)

    uf = _UnionFind()  # nodes: ("i", index in this batch) and ("c", stored cluster id)
    for i, wanted in enumerate(lookup):
        me = ("i", i)
        uf.find(me)
        for key in wanted:
            is_lsh = key.startswith("lsh:")
            for cluster_id, other in holders[key].items() if key in holders else ():
                node = ("c", cluster_id)
                if uf.find(me) != uf.find(node) and (not is_lsh or _near(sigs[i], stored_sigs.get(other))):
                    uf.union(me, node)
            for j in batch_holders.get(key, ()):
                node = ("i", j)
                if j != i and uf.find(me) != uf.find(node) and (not is_lsh or _near(sigs[i], sigs[j])):
                    uf.union(me, node)

    groups = defaultdict(list)
    for node in list(uf.parent):
        groups[uf.find(node)].append(node)
    touched, fresh = set(), []
    for members in groups.values():
        cluster_ids = sorted(pk for kind, pk in members if kind == "c")
        batch = [items[i] for kind, i in members if kind == "i"]
        if not batch:
            continue
        if not cluster_ids:
            fresh.append(batch)
            continue
        target = cluster_ids[0]
        if len(cluster_ids) > 1:  # this item bridges stories we had kept apart
            Item.objects.filter(cluster_id__in=cluster_ids[1:]).update(cluster_id=target)
            Cluster.objects.filter(pk__in=cluster_ids[1:]).delete()
        for item in batch:
            item.cluster_id = target
        touched.add(target)
    # New stories are counted here; only clusters that already had items need recounting in SQL.
    now = timezone.now()
    created = Cluster.objects.bulk_create([
        Cluster(title=batch[0].title[:1000], size=len(batch), first_seen=now, last_seen=now,
                source_count=len({item.source_id for item in batch if item.source_id}))
        for batch in fresh
    ])
    if any(c.pk is None for c in created):  # a backend that cannot return ids: one by one
        created = [Cluster.objects.create(title=c.title, size=c.size, source_count=c.source_count) for c in created]
    for cluster, batch in zip(created, fresh):
        for item in batch:
            item.cluster_id = cluster.pk
    return stored, touched


def _holders(keys):
    """Yield (key, item id, cluster id) for each cluster holding any of the keys (one item per cluster).

    Plain SQL: the ORM's per-parameter handling of a 500-value IN list costs more than the query.
    """
    from .models import ClusterKey, Item

    qn = connection.ops.quote_name
    keys_table, items_table = qn(ClusterKey._meta.db_table), qn(Item._meta.db_table)
    with connection.cursor() as cursor:
        for chunk in _chunks(keys):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT k.{qn('key')}, MIN(k.{qn('item_id')}), i.{qn('cluster_id')} FROM {keys_table} k "
                f"JOIN {items_table} i ON i.{qn('id')} = k.{qn('item_id')} "
                f"WHERE k.{qn('key')} IN ({marks}) AND i.{qn('cluster_id')} IS NOT NULL "
                f"GROUP BY k.{qn('key')}, i.{qn('cluster_id')}",
                chunk,
            )
            yield from cursor.fetchall()


def _near(a, b):
    return bool(a and b) and similarity(a, b) >= THRESHOLD


def store_keys(items, plan):
    """Save the cluster keys of items `assign_clusters` planned, now they have ids; recount clusters."""
    from .models import ClusterKey

    stored, touched = plan
    rows = [(key[:300], item.pk) for item, keys in zip(items, stored) for key in keys]
    # Plain executemany: tens of keys per item make the ORM's bulk_create the slowest step here.
    qn = connection.ops.quote_name
    table = qn(ClusterKey._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({qn('key')}, {qn('item_id')}) VALUES (%s, %s) ON CONFLICT DO NOTHING", rows)
    refresh_clusters(touched)


def refresh_clusters(cluster_ids):
    """Recount size, distinct sources and dates of the given clusters, in one UPDATE per chunk."""
    from .models import Cluster, Item

    def per_cluster(aggregate):
        rows = Item.objects.filter(cluster_id=OuterRef("pk")).order_by().values("cluster_id")
        return Subquery(rows.annotate(value=aggregate).values("value")[:1])

    for chunk in _chunks(cluster_ids):
        Cluster.objects.filter(pk__in=chunk).update(
            size=Coalesce(per_cluster(Count("id")), 0),
            source_count=Coalesce(per_cluster(Count("source", distinct=True)), 0),
            first_seen=Coalesce(per_cluster(Min("created_at")), F("first_seen")),
            last_seen=Coalesce(per_cluster(Max("created_at")), F("last_seen")),
        )
