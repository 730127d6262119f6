"""Records classified per second on one core, automaton build excluded.

Usage: .venv/bin/python bench/classify_throughput.py [--seconds 5] [--baseline DIR]

The corpus is every title + abstract in tests/testdata/classify (real PubMed and Europe PMC
records), cycled until the time budget is spent. Rates use this process's CPU time
(`time.process_time`), so other work on a shared machine distorts them less; the wall-clock
rate is printed too. Prints build time, records/s and MB/s.

--baseline DIR also loads another checkout's classifier (e.g. `git archive <commit>` unpacked in
DIR; its epitope/classify is imported under another package name) and alternates passes of the
two over the same corpus in this one process, so both meet the same machine load; it prints
both medians, their ratio and the load average.
"""

import argparse
import importlib
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "epitope.settings.test")


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def _baseline_tagger(checkout: Path):
    """Return a Tagger built by `checkout`'s own classify package and vocabulary file."""
    package = checkout / "epitope" / "classify"
    if not (package / "tagger.py").is_file():
        raise SystemExit(f"--baseline {checkout}: not a checkout (no epitope/classify/tagger.py)")
    alias = "baseline_classify"
    spec = importlib.util.spec_from_file_location(alias, package / "__init__.py",
                                                  submodule_search_locations=[str(package)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[alias] = module
    spec.loader.exec_module(module)
    tagger = importlib.import_module(f"{alias}.tagger")
    vocabulary = importlib.import_module(f"{alias}.vocabulary")
    return tagger.Tagger(vocabulary.load_vocabulary())


def _pass(tagger, corpus) -> float:
    t0 = time.process_time()
    for title, text in corpus:
        tagger.classify(title, text)
    return len(corpus) / (time.process_time() - t0)


def compare(tagger, baseline, corpus, seconds: float) -> None:
    """Alternate passes of the two taggers over `corpus`; print medians and their ratio."""
    for t in (tagger, baseline):  # warm both
        _pass(t, corpus)
    rates = {"baseline": [], "this": []}
    deadline = time.perf_counter() + 2 * seconds
    order = [("baseline", baseline), ("this", tagger)]
    while time.perf_counter() < deadline:
        for side, t in order:
            rates[side].append(_pass(t, corpus))
        order.reverse()  # ABBA: neither side always runs right after the other
    for side, t in (("baseline", baseline), ("this", tagger)):
        print(f"{side:<9} vocabulary {t.vocabulary.version}: {statistics.median(rates[side]):>9,.0f} "
              f"abstracts/s (median of {len(rates[side])} passes)")
    ratio = statistics.median(rates["this"]) / statistics.median(rates["baseline"])
    print(f"this / baseline: {ratio:.2f}; load average after: {_loadavg()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--baseline", type=Path, help="another checkout whose classifier to measure alongside")
    args = parser.parse_args()

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

    if args.baseline:
        print(f"load average before: {_loadavg()}")
        compare(tagger, _baseline_tagger(args.baseline), with_abstract, args.seconds)
        print("target: >= 10,000 abstracts/s on one core")
        return

    for title, text in corpus:  # warm the translate-table cache, as a long-running process would have
        tagger.classify(title, text)

    rates, done_total = [], 0
    wall_started = time.perf_counter()
    deadline = time.perf_counter() + args.seconds
    while time.perf_counter() < deadline:
        rates.append(_pass(tagger, corpus))
        done_total += len(corpus)

    wall_rate = done_total / (time.perf_counter() - wall_started)
    abstract_rates = [_pass(tagger, with_abstract) for _ in range(max(1, len(rates) // 2))]

    mean_chars = chars / len(corpus)
    print(f"vocabulary {vocabulary.version}: {len(vocabulary.concepts)} concepts, automaton build {build * 1000:.0f} ms")
    print(f"corpus: {len(corpus)} records ({len(with_abstract)} with abstracts), mean {mean_chars:.0f} chars")
    print(f"all records:         {statistics.median(rates):>9,.0f} records/s (median of {len(rates)} passes, "
          f"{done_total:,} classified), {statistics.median(rates) * mean_chars / 1e6:.1f} MB/s")
    print(f"all records, wall clock: {wall_rate:>9,.0f} records/s")
    abstract_chars = sum(len(t) + len(a) for t, a in with_abstract) / len(with_abstract)
    print(f"abstracts only:      {statistics.median(abstract_rates):>9,.0f} records/s "
          f"(mean {abstract_chars:.0f} chars each)")
    print(f"load average: {_loadavg()}")
    print("target: >= 10,000 abstracts/s on one core")


if __name__ == "__main__":
    main()
