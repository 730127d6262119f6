"""Whole ingestion (parse, normalise, sanitise, dedupe, store) beside feedparser's parse alone.

Usage: .venv/bin/python bench/ingest_corpus.py [--copies 40] [--keep-db]

The corpus is every real feed under tests/testdata/ingest/feeds (RSS 2.0, RSS 1.0/RDF, Atom,
with the encoding traps), replicated `--copies` times with each copy's GUIDs, ids, links and
DOIs rewritten so that every entry is a distinct item (the output says so and checks it).
Both sides get the same bytes in the same run:

- feedparser: `feedparser.parse(data)` for every document, nothing else;
- Epitope: `parse.parse_bytes` (fast path, feedparser fallback on broken feeds), then
  `pipeline.ingest_records` into a fresh SQLite database on disk (WAL, as deployed), which
  hashes, dedupes, clusters (identifiers + MinHash/LSH) and stores every item.

Times are wall-clock and CPU (`time.process_time`) for this process; on a shared machine the CPU
figure is the steadier one. Peak memory is this process's peak RSS after the Epitope pass
(measured before feedparser runs), so it includes Django itself.
"""

import argparse
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FEEDS = ROOT / "tests" / "testdata" / "ingest" / "feeds"
sys.path.insert(0, str(ROOT))

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


def corpus(copies):
    originals = [(p.name, p.read_bytes()) for p in sorted(FEEDS.glob("*.xml"))]
    return [(f"{name}#{k}", replicate(data, k)) for k in range(copies) for name, data in originals]


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django(db_path):
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "epitope.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run_epitope(docs):
    from epitope.ingest import parse
    from epitope.ingest.models import Source
    from epitope.ingest.pipeline import Summary, ingest_records
    from epitope.ingest.records import IngestError

    source = Source.objects.create(name="bench corpus", active=False)
    total, refused = Summary(source="bench"), 0
    wall, cpu = time.perf_counter(), time.process_time()
    for _name, data in docs:
        try:
            records = parse.parse_bytes(data)
        except IngestError:
            refused += 1
            continue
        ingest_records(source, records, total)
    return time.perf_counter() - wall, time.process_time() - cpu, total, refused


def run_parse_only(docs):
    from epitope.ingest import parse
    from epitope.ingest.records import IngestError

    n = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for _name, data in docs:
        try:
            n += len(parse.parse_bytes(data))
        except IngestError:
            pass
    return time.perf_counter() - wall, time.process_time() - cpu, n


def run_feedparser(docs):
    import feedparser

    entries = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for _name, data in docs:
        entries += len(feedparser.parse(data).entries)
    return time.perf_counter() - wall, time.process_time() - cpu, entries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=40, help="replicas of the real feeds (default 40)")
    parser.add_argument("--keep-db", action="store_true", help="leave the SQLite file for inspection")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="epitope-bench-")
    db = Path(tmp) / "bench.sqlite3"
    setup_django(db)
    docs = corpus(args.copies)
    size = sum(len(d) for _, d in docs)
    print(f"Corpus: {len(list(FEEDS.glob('*.xml')))} real feeds from {FEEDS.relative_to(ROOT)}, replicated "
          f"{args.copies}x with rewritten GUIDs/ids/links/DOIs = {len(docs)} documents, {size / 1e6:.1f} MB")
    base_rss = rss_mb()

    e_wall, e_cpu, summary, refused = run_epitope(docs)
    peak = rss_mb()
    f_wall, f_cpu, f_entries = run_feedparser(docs)
    p_wall, p_cpu, p_records = run_parse_only(docs)

    from epitope.ingest.models import Cluster, Item

    stored = Item.objects.count()
    print(f"Epitope stored {stored} items ({summary.new} new, {summary.duplicates} duplicates) in "
          f"{Cluster.objects.count()} story clusters; {refused} documents refused; "
          f"feedparser found {f_entries} entries")
    if stored != summary.fetched:
        print(f"  note: {summary.fetched - stored} entries repeat an identity (a blog's RSS and Atom twins carry the "
              f"same tag: ids; {summary.updated} were updates of an item already stored)")
    print()
    print(f"{'':32}{'wall s':>9}{'CPU s':>9}{'items/s (CPU)':>15}")
    print(f"{'feedparser, parse only':32}{f_wall:9.2f}{f_cpu:9.2f}{f_entries / f_cpu:15,.0f}")
    print(f"{'Epitope, parse + sanitise only':32}{p_wall:9.2f}{p_cpu:9.2f}{p_records / p_cpu:15,.0f}")
    print(f"{'Epitope, whole ingestion':32}{e_wall:9.2f}{e_cpu:9.2f}{summary.fetched / e_cpu:15,.0f}")
    print()
    print(f"Speed-up, whole ingestion vs feedparser parse alone: {f_cpu / e_cpu:.1f}x CPU, {f_wall / e_wall:.1f}x wall "
          "(target >= 4x)")
    print(f"Of which parsing: {p_cpu / e_cpu:.0%} of the CPU; the rest is hashing, clustering and SQLite writes")
    print(f"Peak RSS: {peak:.0f} MB after ingestion (Django and the corpus loaded: {base_rss:.0f} MB before)")
    if args.keep_db:
        print(f"Database kept at {db}")
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.rmdir(tmp)


if __name__ == "__main__":
    main()
