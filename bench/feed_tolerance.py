"""How many broken real feeds each parser reads: feedparser, fastfeedparser and Epitope.

Usage: .venv/bin/python bench/feed_tolerance.py [--list]

The corpus is tests/broken_feeds.py: the real feeds of tests/testdata/ingest/feeds with entries,
whole and broken as feeds break in the wild (cut short at 30/55/80/97 %, duplicate, late or
UTF-16 prologs, a BOM over a wrong encoding, HTML entities, bare `&`, control characters,
unclosed HTML, tags in another letter case, two faults at once), and three HTML pages served
where a feed should be. Per parser it prints the feeds read (at least one entry), the entries
found, the feeds it read fewer entries from than the best of the three, the HTML pages it
imported entries from, and its CPU time. An entry counts when its title or link shows a letter or
a digit (`broken_feeds.visible`). Epitope is `parse.parse_bytes` (fast path, then the recovering
reader and feedparser on broken feeds); `--list` prints every document's three counts.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "epitope.settings.test")

import django  # noqa: E402

django.setup()

import broken_feeds  # noqa: E402

PARSERS = {
    "feedparser": broken_feeds.feedparser_entries,
    "fastfeedparser": broken_feeds.fastfeedparser_entries,
    "Epitope": broken_feeds.epitope_entries,
}


def main():
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--list", action="store_true", help="print every document's counts")
    args = options.parse_args()
    import logging

    logging.disable(logging.INFO)  # the fallback logs every broken feed it reads
    docs = broken_feeds.corpus()
    counts, cpu = {}, {}
    for name, count in PARSERS.items():
        count(docs[0][1])  # imports and compiled patterns before the clock
        start = time.process_time()
        counts[name] = [count(data) for _doc, data in docs]
        cpu[name] = time.process_time() - start
    feeds = [i for i, (doc, _data) in enumerate(docs) if not broken_feeds.is_html_page(doc)]
    pages = [i for i in range(len(docs)) if i not in feeds]
    best = {i: max(c[i] for c in counts.values()) for i in feeds}
    size = sum(len(docs[i][1]) for i in feeds)
    print(f"corpus: {len(feeds)} feeds ({size / 1e6:.1f} MB), {sum(best.values())} entries read by the best parser "
          f"of each; {len(pages)} HTML pages")
    print(f"{'parser':16}{'feeds read':>12}{'entries':>10}{'short of best':>15}{'pages imported':>16}{'CPU s':>8}")
    for name, found in counts.items():
        read = sum(1 for i in feeds if found[i])
        short = sum(1 for i in feeds if found[i] < best[i])
        imported = sum(1 for i in pages if found[i])
        print(f"{name:16}{read:>12}{sum(found[i] for i in feeds):>10}{short:>15}{imported:>16}{cpu[name]:>8.2f}")
    if args.list:
        for i, (doc, _data) in enumerate(docs):
            print(f"{doc:46}" + "".join(f"{counts[n][i]:>8}" for n in PARSERS))


if __name__ == "__main__":
    main()
