"""The feed corpora the ingestion benches read: real feeds replicated into distinct items.

Shared by `ingest_corpus.py` (in-process) and `ingest_cli.py` (the `ingest-file` command as
operators run it), so both measure the same bytes.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FEEDS = ROOT / "tests" / "testdata" / "ingest" / "feeds"

_REWRITES = [
    (re.compile(rb"(<guid[^>]*>\s*)([^<]+?)(\s*</guid>)"), rb"\1\2-c{k}\3"),
    (re.compile(rb"(<id>\s*)([^<]+?)(\s*</id>)"), rb"\1\2-c{k}\3"),
    (re.compile(rb"(<link>\s*)([^<]+?)(\s*</link>)"), rb"\1\2#c{k}\3"),
    (re.compile(rb'((?:rdf:about|href)=")([^"]+)(")'), rb"\1\2#c{k}\3"),
    (re.compile(rb"\b10\.(\d{4,9})/"), rb"10.\1/c{k}-"),
]


def replicate(data, k):
    for pattern, template in _REWRITES:
        data = pattern.sub(template.replace(b"{k}", str(k).encode()), data)
    return data


ISSUE_FEEDS, ISSUE_MIN_ENTRIES, ISSUE_MIN_ENTRY_BYTES = 200, 20, 4000


def corpus(copies, broken=0):
    """The mixed corpus: every real feed, `copies` times, plus `broken` truncated feeds."""
    originals = [(p.name, p.read_bytes()) for p in sorted(FEEDS.glob("*.xml"))]
    docs = [(f"{name}#{k}", replicate(data, k)) for k in range(copies) for name, data in originals]
    return docs + truncated_feeds(broken, copies)


def issue_corpus(broken=0):
    """The issue's shape: ISSUE_FEEDS documents from the real feeds of full-text entries."""
    from epitope.ingest import parse

    originals = []
    for path in sorted(FEEDS.glob("*.xml")):
        data = path.read_bytes()
        entries = len(parse.parse_bytes(data))
        if entries >= ISSUE_MIN_ENTRIES and len(data) / entries >= ISSUE_MIN_ENTRY_BYTES:
            originals.append((path.name, data))
    # A copy number of its own per document: two of these feeds are one blog's RSS and Atom
    # twins, whose entries share ids, and the issue's corpus had no entry twice.
    docs = [(f"{name}#{k}", replicate(data, k * len(originals) + j))
            for k in range(ISSUE_FEEDS // len(originals)) for j, (name, data) in enumerate(originals)]
    return docs + truncated_feeds(broken, len(docs))


def truncated_feeds(n, offset):
    # A feed cut off mid-item (a dropped connection, a full disk at the publisher): not XML.
    whole = (FEEDS / "large_rss.xml").read_bytes()
    cut = whole[: int(len(whole) * 0.6)]
    return [(f"large_rss.xml#broken{k}", replicate(cut, offset + k)) for k in range(n)]
