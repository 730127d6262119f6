"""Records classified per second on one core, automaton build excluded.

Usage: .venv/bin/python bench/classify_throughput.py [--seconds 5] [--baseline DIR [--rounds 3]]

--baseline DIR measures another checkout's classifier (e.g. `git archive <commit>` unpacked in
DIR) on the same corpus, alternating rounds with this one in separate processes, and prints
both medians, their ratio and the load average: a baseline from the same run on the same busy
machine, not a figure from another day.

The corpus is every title + abstract in tests/testdata/classify (real PubMed and Europe PMC
records), cycled until the time budget is spent. Rates use this process's CPU time
(`time.process_time`), so other work on a shared machine does not distort them; the wall-clock
rate is printed too. Prints build time, records/s and MB/s.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "epitope.settings.test")


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def compare(baseline: Path, rounds: int, seconds: float) -> None:
    """Alternate this checkout's classifier and `baseline`'s, one process per measurement."""
    results = {"baseline": [], "this": []}
    for _ in range(rounds):
        for side, code in (("baseline", baseline), ("this", ROOT)):
            out = subprocess.run(
                [sys.executable, __file__, "--code", str(code), "--seconds", str(seconds), "--json"],
                check=True, capture_output=True, text=True,
            ).stdout
            results[side].append(json.loads(out.strip().splitlines()[-1]))
    for side in ("baseline", "this"):
        runs = results[side]
        each = ", ".join(f"{r['abstracts_per_s']:,.0f}" for r in runs)
        print(f"{side:<9} vocabulary {runs[0]['vocabulary']}: abstracts/s {each} "
              f"(median {statistics.median(r['abstracts_per_s'] for r in runs):,.0f}); all records/s median "
              f"{statistics.median(r['records_per_s'] for r in runs):,.0f}")
    ratio = (statistics.median(r["abstracts_per_s"] for r in results["this"])
             / statistics.median(r["abstracts_per_s"] for r in results["baseline"]))
    print(f"this / baseline (abstracts): {ratio:.2f}; load average after: {_loadavg()}")
    print("target: >= 10,000 abstracts/s on one core")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--baseline", type=Path, help="another checkout to measure alternately, as a baseline")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--code", type=Path, default=ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:
        if not (args.baseline / "epitope" / "classify" / "tagger.py").is_file():
            parser.error(f"--baseline {args.baseline}: not a checkout (no epitope/classify/tagger.py)")
        compare(args.baseline, args.rounds, args.seconds)
        return
    sys.path.insert(0, str(args.code))  # whose classifier is measured; the corpus is always ROOT's

    import django

    django.setup()
    from epitope.classify.evaluate import load_records
    from epitope.classify.inputs import plain_text
    from epitope.classify.tagger import Tagger
    from epitope.classify.vocabulary import load_vocabulary

    data = ROOT / "tests" / "testdata" / "classify"
    records = load_records([data / "pubmed", data / "europepmc" / "search_cancer_core.json"])
    corpus = [(r.title, plain_text(r.summary)) for r in records]
    with_abstract = [c for c in corpus if c[1]]
    chars = sum(len(t) + len(a) for t, a in corpus)

    started = time.perf_counter()
    vocabulary = load_vocabulary()
    tagger = Tagger(vocabulary)
    build = time.perf_counter() - started

    for title, text in corpus:  # warm the translate-table cache, as a long-running process would have
        tagger.classify(title, text)

    rates, done_total = [], 0
    wall_started = time.perf_counter()
    deadline = time.perf_counter() + args.seconds
    while time.perf_counter() < deadline:
        t0 = time.process_time()
        for title, text in corpus:
            tagger.classify(title, text)
        rates.append(len(corpus) / (time.process_time() - t0))
        done_total += len(corpus)

    wall_rate = done_total / (time.perf_counter() - wall_started)
    abstract_rates = []
    for _ in range(max(1, len(rates) // 2)):
        t0 = time.process_time()
        for title, text in with_abstract:
            tagger.classify(title, text)
        abstract_rates.append(len(with_abstract) / (time.process_time() - t0))

    mean_chars = chars / len(corpus)
    if args.json:
        print(json.dumps({"vocabulary": vocabulary.version, "build_ms": round(build * 1000),
                          "records_per_s": statistics.median(rates),
                          "abstracts_per_s": statistics.median(abstract_rates)}))
        return
    print(f"vocabulary {vocabulary.version}: {len(vocabulary.concepts)} concepts, automaton build {build * 1000:.0f} ms")
    print(f"corpus: {len(corpus)} records ({len(with_abstract)} with abstracts), mean {mean_chars:.0f} chars")
    print(f"all records:         {statistics.median(rates):>9,.0f} records/s (median of {len(rates)} passes, "
          f"{done_total:,} classified), {statistics.median(rates) * mean_chars / 1e6:.1f} MB/s")
    print(f"all records, wall clock: {wall_rate:>9,.0f} records/s")
    abstract_chars = sum(len(t) + len(a) for t, a in with_abstract) / len(with_abstract)
    print(f"abstracts only:      {statistics.median(abstract_rates):>9,.0f} records/s "
          f"(mean {abstract_chars:.0f} chars each)")
    print("target: >= 10,000 abstracts/s on one core")


if __name__ == "__main__":
    main()
