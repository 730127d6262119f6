"""Whole ingestion (parse, normalise, sanitise, dedupe, store) beside feedparser's parse alone.

Usage: .venv/bin/python bench/ingest_corpus.py [--corpus both|mixed|issue] [--copies 40] [--broken 4]
                                             [--keep-db] [--rounds 3]
                                             [--database-url postgres://…/an_empty_database]

Two corpora, measured one after the other (`--corpus` picks one):

- mixed: every real feed under tests/testdata/ingest/feeds (RSS 2.0, RSS 1.0/RDF, Atom, with the
  encoding traps), each replicated `--copies` times: 644 documents, 22.4 MB, 10,524 entries,
  2.1 kB per entry, as most of those fixtures are small feeds of short items;
- issue: the shape of the corpus the issue measured its target on (200 real feeds, 45 MB,
  6.6k entries: 6.8 kB per entry, full-text news feeds): 200 documents replicated from those of
  our real feeds that have that shape (at least 20 entries of at least 4 kB each, as a feed that
  carries whole articles does), 36 MB, 5,000 entries, besides the truncated feeds'.

Our cost is mostly per entry (a row, its keys, its cluster), feedparser's mostly per byte, so
the ratio depends on the corpus's bytes per entry; both are printed, each against feedparser in
the same run. Every copy's GUIDs, ids, links and DOIs are rewritten so that every entry is a
distinct item (the output says so and checks it), and both corpora get `--broken` truncated
copies of a real feed, which the fast parser refuses and feedparser's tolerance reads (the
fallback). Every side gets the same bytes in the same run:

- feedparser: `feedparser.parse(data)` for every document, nothing else;
- Epitope: `parse.parse_bytes` (fast path, feedparser fallback on broken feeds), then
  `pipeline.ingest_records` once per document — one source run per feed, as the scheduler
  does — into a fresh SQLite database on disk (WAL, as deployed), which hashes, dedupes,
  clusters (identifiers + MinHash/LSH), stores and classifies every item. Classification is
  timed inside the same run and shown apart: the issue's target counts parse, normalise,
  sanitise, dedupe and store;
- the same again as one stream in batches of 500 (as `epitope ingest-file` reads a large
  file), into the emptied database, to show what the per-feed transactions cost.

Times are wall-clock and CPU (`time.process_time`) for this process; on a shared machine the CPU
figure is the steadier one, and the ratios compare figures taken in the same run. `--rounds`
repeats the per-feed pass and feedparser's, alternated, and prints each round's ratio with the
median: on a host whose speed drifts from minute to minute, one pair of passes can disagree
with the next by a quarter. Both parsers have read a document (a broken one too) before any
clock starts, so neither side's figure holds the one-off import of feedparser and the
compiling of its regular expressions (a quarter of a second). Peak memory
is this process's peak RSS after the per-feed pass (measured before feedparser runs), so it
includes Django itself.
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from feed_corpus import FEEDS, ISSUE_FEEDS, corpus, issue_corpus, truncated_feeds  # noqa: E402


def warm_up():
    """Have both parsers read a feed, and a broken one, before any clock starts."""
    import feedparser

    from epitope.ingest import parse
    from epitope.ingest.records import IngestError

    for data in ((FEEDS / "large_rss.xml").read_bytes(), truncated_feeds(1, 0)[0][1]):
        feedparser.parse(data)
        try:
            parse.parse_bytes(data)
        except IngestError:
            pass


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django(db_path, url=None):
    os.environ["DATABASE_URL"] = url or f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "epitope.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Stopwatch:
    """Accumulate the CPU and wall time spent in a wrapped function."""

    def __init__(self, func):
        self.func, self.cpu, self.wall, self.calls = func, 0.0, 0.0, 0

    def __call__(self, *args, **kwargs):
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return self.func(*args, **kwargs)
        finally:
            self.cpu += time.process_time() - cpu
            self.wall += time.perf_counter() - wall
            self.calls += 1


def empty_database():
    """Delete what a pass stored (plain SQL: deleting items through the ORM would tombstone them)."""
    from django.db import connection

    from epitope.classify.models import ClassifiedConcept, StoredClassification
    from epitope.ingest.models import Cluster, ClusterKey, Item, Source

    with connection.cursor() as cursor:
        for model in (ClusterKey, ClassifiedConcept, StoredClassification, Item, Cluster, Source):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        if connection.vendor == "sqlite":
            # Back to a file without free pages, as the first pass had: refilling the free list
            # of a just-emptied file costs SQLite more than growing a fresh one.
            cursor.execute("VACUUM")


def run_epitope(docs, stream=False):
    """Ingest every document (one run each, or all as one stream); return times, summary, refusals."""
    import itertools

    from epitope.ingest import parse, pipeline
    from epitope.ingest.models import Source
    from epitope.ingest.pipeline import Summary, ingest_records
    from epitope.ingest.records import IngestError

    classify = pipeline._classify = Stopwatch(pipeline._classify)
    source = Source.objects.create(name="bench corpus", active=False)
    total, refused = Summary(source="bench"), [0]

    def records_of(data):
        try:
            return parse.parse_bytes(data)
        except IngestError:
            refused[0] += 1
            return []

    wall, cpu = time.perf_counter(), time.process_time()
    if stream:
        ingest_records(source, itertools.chain.from_iterable(records_of(data) for _name, data in docs), total)
    else:
        for _name, data in docs:
            ingest_records(source, records_of(data), total)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    pipeline._classify = classify.func
    return wall, cpu, classify, total, refused[0]


def _ingest_cpu(result):
    """CPU seconds of a `run_epitope` pass without its classification."""
    _wall, cpu, classify, _summary, _refused = result
    return cpu - classify.cpu


def run_parse_only(docs):
    from epitope.ingest import parse
    from epitope.ingest.records import IngestError
    from epitope.ingest.sources import feeds_fallback

    fallback = feeds_fallback.parse_tolerantly = Stopwatch(feeds_fallback.parse_tolerantly)
    n = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for _name, data in docs:
        try:
            n += len(parse.parse_bytes(data))
        except IngestError:
            pass
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    feeds_fallback.parse_tolerantly = fallback.func
    return wall, cpu, n, fallback


def run_feedparser(docs):
    import feedparser

    entries = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for _name, data in docs:
        entries += len(feedparser.parse(data).entries)
    return time.perf_counter() - wall, time.process_time() - cpu, entries


def measure(label, docs, args):
    """Print one corpus's figures; return the median per-feed ratio (None with one round)."""
    from epitope.ingest.models import Cluster, Item

    size = sum(len(d) for _, d in docs)
    print(f"\n== Corpus {label}: {len(docs)} documents, {size / 1e6:.1f} MB")
    e_wall, e_cpu, e_classify, summary, refused = run_epitope(docs)
    peak = rss_mb()
    stored, clusters = Item.objects.count(), Cluster.objects.count()
    empty_database()
    s_wall, s_cpu, s_classify, s_summary, _ = run_epitope(docs, stream=True)
    f_wall, f_cpu, f_entries = run_feedparser(docs)
    p_wall, p_cpu, p_records, fallback = run_parse_only(docs)

    print(f"Epitope stored {stored} items ({summary.new} new, {summary.updated} updated, {summary.duplicates} "
          f"duplicates) in {clusters} story clusters; {refused} documents refused; {fallback.calls} broken "
          f"documents read through the feedparser fallback; feedparser found {f_entries} entries "
          f"({size / max(1, f_entries) / 1000:.1f} kB per entry)")
    if stored != summary.fetched:
        print(f"  note: {summary.fetched - stored} entries repeat an identity (a blog's RSS and Atom twins carry "
              "the same tag: ids): updates or repeats of an item already stored, not new items")
    if s_summary.new != summary.new:
        print(f"  warning: the stream pass stored {s_summary.new} new items, the per-feed pass {summary.new}")

    def row(label, wall, cpu, items):
        print(f"{label:58}{wall:9.2f}{cpu:9.2f}{items / cpu:15,.0f}")

    print()
    print(f"{'':58}{'wall s':>9}{'CPU s':>9}{'items/s (CPU)':>15}")
    row("feedparser, parse only", f_wall, f_cpu, f_entries)
    row("Epitope, parse + sanitise only", p_wall, p_cpu, p_records)
    row("Epitope, whole ingestion, a run per feed, w/o classifying", e_wall - e_classify.wall,
        e_cpu - e_classify.cpu, summary.fetched)
    row("  + classification of new and changed items", e_classify.wall, e_classify.cpu,
        summary.new + summary.updated)
    row("Epitope, whole ingestion with classification", e_wall, e_cpu, summary.fetched)
    row("Epitope, one stream in batches of 500, w/o classifying", s_wall - s_classify.wall,
        s_cpu - s_classify.cpu, s_summary.fetched)
    print()
    ingest_cpu, ingest_wall = e_cpu - e_classify.cpu, e_wall - e_classify.wall
    print(f"Speed-up vs feedparser's parse alone (target >= 4x): whole ingestion {f_cpu / ingest_cpu:.1f}x CPU, "
          f"{f_wall / ingest_wall:.1f}x wall; with classification {f_cpu / e_cpu:.1f}x CPU; "
          f"one stream {f_cpu / (s_cpu - s_classify.cpu):.1f}x CPU")
    print(f"Of the whole ingestion's CPU: parsing {p_cpu / ingest_cpu:.0%} (of which the fallback "
          f"{fallback.cpu / ingest_cpu:.0%}); the rest hashing, clustering and SQLite writes. "
          f"Classification adds {e_classify.cpu / ingest_cpu:.0%}")
    rounds = [(ingest_cpu, f_cpu)]
    for k in range(1, args.rounds):
        # Alternated, and in turns of order, so that a slow minute of a shared host falls on
        # both sides of some ratio rather than on one side of all of them.
        empty_database()
        if k % 2:
            r_cpu = _ingest_cpu(run_epitope(docs))
            rf_cpu = run_feedparser(docs)[1]
        else:
            rf_cpu = run_feedparser(docs)[1]
            r_cpu = _ingest_cpu(run_epitope(docs))
        rounds.append((r_cpu, rf_cpu))
    # ru_maxrss is the process's peak so far: for the second corpus, the larger of the two.
    print(f"Peak RSS of this process so far: {peak:.0f} MB (read after this corpus's first per-feed pass)")
    if len(rounds) < 2:
        return None
    ratios = [f / e for e, f in rounds]
    median = statistics.median(ratios)
    print("Rounds (per feed w/o classifying / feedparser, CPU s): " + "; ".join(
        f"{e:.2f} / {f:.2f} = {f / e:.1f}x" for e, f in rounds) + f"; median {median:.1f}x, "
        f"lowest {min(ratios):.1f}x (target >= 4x)")
    return median


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=("both", "mixed", "issue"), default="both",
                        help="which corpus to measure (default both, mixed first)")
    parser.add_argument("--copies", type=int, default=40, help="replicas of the real feeds in the mixed corpus (default 40)")
    parser.add_argument("--broken", type=int, default=4, help="truncated feeds added, read by the fallback (default 4)")
    parser.add_argument("--keep-db", action="store_true", help="leave the SQLite file for inspection")
    parser.add_argument("--database-url", help="run on this (empty, disposable) database instead, e.g. PostgreSQL")
    parser.add_argument("--rounds", type=int, default=3,
                        help="per-feed ingestion and feedparser passes, alternated, for the median ratio (default 3)")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="epitope-bench-")
    db = Path(tmp) / "bench.sqlite3"
    setup_django(db, args.database_url)
    from django.db import connection

    print(f"Database: {connection.vendor}" + ("" if args.database_url else " (a fresh file, WAL)"))
    print(f"Corpora built from the {len(list(FEEDS.glob('*.xml')))} real feeds in {FEEDS.relative_to(ROOT)}, "
          "replicated with rewritten GUIDs/ids/links/DOIs (every entry a distinct item)")
    base_rss = rss_mb()
    warm_up()
    medians = {}
    if args.corpus in ("both", "mixed"):
        medians["mixed"] = measure(f"mixed (every feed {args.copies}x, {args.broken} truncated)",
                                   corpus(args.copies, args.broken), args)
    if args.corpus in ("both", "issue"):
        if medians:
            empty_database()
        medians["issue"] = measure(f"issue-shaped ({ISSUE_FEEDS} full-text feeds, {args.broken} truncated)",
                                   issue_corpus(args.broken), args)
    print()
    if all(m is not None for m in medians.values()):
        print("Median per-feed speed-up vs feedparser's parse alone (target >= 4x): " + ", ".join(
            f"{name} {m:.1f}x" for name, m in medians.items()))
    print(f"Django loaded: {base_rss:.0f} MB RSS before any corpus was built")
    if args.database_url:
        empty_database()
        os.rmdir(tmp)
    elif args.keep_db:
        print(f"Database kept at {db}")
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.rmdir(tmp)


if __name__ == "__main__":
    main()
