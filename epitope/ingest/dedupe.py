"""Group the same story from several sources into one cluster.

Two items belong to the same story when
1. they share an identifier — a DOI, PMID, PMCID or NCT id that one has and the other has or
   mentions (a news summary citing "NCT01234567" or linking to doi.org/10.…), or one links to
   the page the other *is* (a news story linking to the press release) on another site (a
   site's links to its own pages are its other stories); or
2. their text is a near-duplicate: the Jaccard similarity of their word 3-shingles (title +
   the first `MAX_WORDS` words of the summary) is at least `THRESHOLD`, estimated with MinHash
   and found with LSH banding, so matching costs one indexed lookup per band. Titles that
   differ only in numbers, versions or dates ("fortify-headers 2.0" / "2.1", "Issue 41" / "42")
   name different releases of a series, whose posts share their boilerplate: they must agree
   on the body too (`SERIES_THRESHOLD`, near-identical text).

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
reads one row per cluster, not per copy (a deleted item hands its keys to another member). Assigning and storing clusters: `clusters.py`.
Identifier keys are below 2⁵⁸; band b's keys carry b + 1 in the top bits, so a key says by
itself whether matching it needs the text check.

`signature` and `band_keys` run compiled (`_minhash.c`, built by setup.py) when it is built:
the same values, at a fraction of the cost; the Python here defines them and serves without it.
"""

from __future__ import annotations

import re
import struct
from functools import lru_cache
from hashlib import blake2b
from operator import eq
from urllib.parse import urlsplit, urlunsplit
from zlib import crc32

try:
    from . import _minhash
except ImportError:  # not built (no C compiler at install): the Python below gives the same values
    _minhash = None

BINS, BANDS, ROWS = 64, 10, 3
THRESHOLD = 0.5  # estimated Jaccard of word 3-shingles; syndicated copies score 0.6–1.0
SERIES_THRESHOLD = 0.75  # titles differing only in numbers: the same body (a short one scores ~0.8, its title aside)
SHINGLE = 3
MIN_SHINGLES = 8  # shorter texts ("Weekly roundup") say too little to call two items one story
MAX_WORDS = 80  # near-duplicates share their lead; the tail of long abstracts adds cost, not signal
_HEAD = 2000  # characters that hold MAX_WORDS words unless the markup is heavy
LSH_BASE = 1 << 58  # keys at or above are LSH bands
_MASK58 = LSH_BASE - 1
_ID_KEYS = {"doi": "doi", "preprint_doi": "doi", "pmid": "pmid", "pmcid": "pmcid", "nct": "nct"}
_SIG = struct.Struct(f"<{BINS}I")
if (BINS, ROWS) != (64, 3):  # what _minhash.c is written for
    _minhash = None

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NCT = re.compile(r"\bNCT\d{8}\b", re.I)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>]+)", re.I)
_PMID = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|\bPMID:?\s*)(\d{1,9})\b", re.I)
_PMCID = re.compile(r"\bPMC\d{4,9}\b", re.I)
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.I)
_TAG = re.compile(r"<[^>]+>")
_MONTHS = frozenset(
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august "
    "september october november december".split()
)
# A plain http(s) address, split as urlsplit would (ASCII, no bracketed host, nothing it strips
# or rejects): the common case, read in one match; anything else goes through urlsplit.
_PLAIN_URL = re.compile(r"(?:https?)://([^/?#\[\]]+)([^?#]*)(?:\?([^#]*))?(?:#.*)?", re.S)
_URL_UNSAFE = re.compile(r"[^\x21-\x7e]")


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
    url = url.strip()
    match = None if _URL_UNSAFE.search(url) else _PLAIN_URL.fullmatch(url)
    if match:  # the same parts urlsplit returns, at a tenth of its cost
        netloc, path, query = match.group(1), match.group(2), match.group(3) or ""
    else:
        try:
            parts = urlsplit(url)
        except ValueError:
            return ""
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return ""
        netloc, path, query = parts.netloc, parts.path, parts.query
    host = netloc.lower().removeprefix("www.")
    if host in ("doi.org", "dx.doi.org"):
        return ""  # matched as a DOI instead
    if query:
        query = "&".join(p for p in query.split("&") if p and not p.lower().startswith("utm_"))
    path = path.rstrip("/") or "/"
    if path == "/" and not query:
        return ""  # a home page is not a story
    return f"{host}{path}?{query}" if query else host + path


def item_keys(item):
    """Return (keys to store, keys to look up) for an item's identifiers and links, as text."""
    return text_keys(item.title, item.summary, item.link, item.identifiers)


def text_keys(title, summary, link, identifiers):
    ids = {f"{_ID_KEYS[k]}:{v}" for k, v in (identifiers or {}).items() if k in _ID_KEYS and v}
    ids = {("doi:" + _clean_doi(k[4:])) if k.startswith("doi:") else k for k in ids}
    ids |= mentioned_identifiers(title, summary, link)
    own = normalise_url(link or "")
    summary = summary or ""
    refs = set()
    if "href" in summary:
        # A link to the item's own site is the site's other coverage ("as we reported"), not
        # this story's source: followed, it would chain a site's whole output into one story.
        own_site = own.partition("/")[0] + "/" if own else None
        refs = {u for u in map(normalise_url, _HREF.findall(summary)) if u and not (own_site and u.startswith(own_site))}
    stored = set(ids) | {"ref:" + u for u in refs}
    lookup = set(ids) | {"url:" + u for u in refs}
    if own:
        stored.add("url:" + own)
        lookup |= {"url:" + own, "ref:" + own}
    return stored, lookup


def key_id(text):
    """Return the stored integer form of a text key (below `LSH_BASE`)."""
    return int.from_bytes(blake2b(text.encode(), digest_size=8).digest(), "big") & _MASK58


@lru_cache(maxsize=4096)  # a batch compares the same stories' titles again and again
def _title_parts(title):
    words = _WORD.findall((title or "").lower())
    numbers = tuple(w for w in words if w in _MONTHS or any(c.isdigit() for c in w))
    return tuple(w for w in words if w not in _MONTHS and not any(c.isdigit() for c in w)), numbers


def same_but_numbers(a, b):
    """Return whether two titles differ only in their numbers, versions or dates."""
    words_a, numbers_a = _title_parts(a)
    words_b, numbers_b = _title_parts(b)
    return words_a == words_b and numbers_a != numbers_b


def text_threshold(title_a, title_b):
    """Return the similarity two texts with these titles need to be one story."""
    return SERIES_THRESHOLD if same_but_numbers(title_a, title_b) else THRESHOLD


# -- MinHash ---------------------------------------------------------------------------------

def _head(text):
    # Only the first MAX_WORDS words count: read a prefix (not ending inside a tag), and the
    # whole text only if the prefix held too few words to be sure its last one was whole.
    head = text[:_HEAD]
    if len(text) > _HEAD and head.rfind("<") > head.rfind(">"):
        head = head[:head.rfind("<")]
    return head


def _plain(text):
    return _TAG.sub(" ", text).lower()


def _words(text):
    head = _head(text)
    words = _WORD.findall(_plain(head))
    if len(words) <= MAX_WORDS and len(text) > len(head):
        words = _WORD.findall(_plain(text))
    return words[:MAX_WORDS]


def shingle_hashes(text):
    """Return the set of 32-bit hashes of the text's word 3-shingles."""
    w = list(map(crc32, map(str.encode, _words(text))))
    return {(a ^ b << 1 ^ c << 2) & 0xFFFFFFFF for a, b, c in zip(w, w[1:], w[2:])}


def signature(text):
    """Return the MinHash signature of a text as a tuple of BINS ints, or None if it is too short."""
    if _minhash is None:
        return signature_py(text)
    head = _head(text)  # as _words reads it
    sig, words = _minhash.signature(_plain(head), MAX_WORDS, MIN_SHINGLES)
    if words <= MAX_WORDS and len(text) > len(head):
        sig, _words_read = _minhash.signature(_plain(text), MAX_WORDS, MIN_SHINGLES)
    return sig


def signature_py(text):
    """Return `signature(text)`, computed in Python (the definition `_minhash.c` follows)."""
    grams = shingle_hashes(text)
    if len(grams) < MIN_SHINGLES:
        return None
    # Walking the hashes from largest to smallest, the last value written to a bin is its minimum.
    mins = {h & (BINS - 1): h >> 6 for h in sorted(grams, reverse=True)}
    if len(mins) == BINS:
        return tuple(map(mins.__getitem__, range(BINS)))
    # Rotation densification: an empty bin borrows the next filled bin's value (cyclically),
    # offset by the distance so that borrowed values stay distinguishable from genuine ones.
    # Filled gap by gap, from the last filled bin to the first, rather than bin by bin.
    filled = sorted(mins)
    sig = [0] * BINS
    following = filled[0] + BINS  # the first filled bin, seen from past the end
    for b in reversed(filled):
        value = mins[following % BINS]
        if following - b > 1:
            gap = range(b + 1, min(following, BINS))
            sig[gap.start:gap.stop] = [value + ((following - i) << 26) for i in gap]
        sig[b] = mins[b]
        following = b
    if filled[0] > 0:  # bins before the first filled one borrow from it
        value = mins[filled[0]]
        sig[:filled[0]] = [value + ((filled[0] - i) << 26) for i in range(filled[0])]
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
    if _minhash is not None and type(sig) is tuple:
        return _minhash.band_keys(sig, BANDS, ROWS, LSH_BASE, _MASK58)
    return band_keys_py(sig)


def band_keys_py(sig):
    """Return `band_keys(sig)` of a signature, computed in Python (the definition `_minhash.c` follows)."""
    rows = sig[:BANDS * ROWS]
    return {
        (band + 1) * LSH_BASE | (mixed ^ mixed >> 29) & _MASK58
        for band, mixed in enumerate(
            ((a | b << 32) * 0x9E3779B97F4A7C15 + c * 0xC2B2AE3D27D4EB4F) & 0xFFFFFFFFFFFFFFFF
            for a, b, c in zip(rows[0::ROWS], rows[1::ROWS], rows[2::ROWS])
        )
    }


def plan_keys(title, summary, link, identifiers):
    """Return (signature, integer keys to store, integer keys to look up) for one new item."""
    sig = signature(f"{title}\n{summary}")
    stored, lookup = text_keys(title, summary, link, identifiers)
    ids = {text: key_id(text) for text in stored | lookup}
    bands = band_keys(sig)
    return sig, {ids[k] for k in stored} | bands, {ids[k] for k in lookup} | bands
