"""Peak memory of `epitope ingest-file` on a ~1 GB PubMed baseline-style file: streamed, not loaded.

    .venv/bin/python bench/pubmed_baseline_memory.py               # 1024 MB
    .venv/bin/python bench/pubmed_baseline_memory.py --size-mb 200 --keep

Builds var/bench/pubmed-baseline-<N>mb.xml from the real PubMed records in
tests/testdata/ingest/pubmed/ (their XML structure as NLM ships it), each copy with its own
PMID, DOI, title and abstract so every record is a new item, as in a real baseline file: the
abstract a random run of the words of the fixtures' real abstracts, so that copies are not
near-duplicates of each other (about 2 pairs in 10,000 share an LSH band). Then
runs `epitope ingest-file` on it in a subprocess over a fresh SQLite database, samples its RSS
from /proc every 0.2 s and prints the peak (VmHWM) beside the file size, and RSS against the
number of records stored so far (does memory creep with the file?).

    .venv/bin/python bench/pubmed_baseline_memory.py --size-mb 50 --baseline DIR

--baseline DIR runs the same file through the code in DIR (e.g. `git archive <commit>` unpacked)
first, with this checkout's venv, so before/after come from the same session.

--text template writes the abstracts as before 2026-12-03, from `synthetic_words.abstract`'s one
four-sentence template: a pair shares 0.36 LSH bands on average, so the file is a few giant
stories, not a baseline file, and per-batch cluster matching (and RSS) grows with the records
stored (bench/README.md, Scale, "Third look").
"""

import argparse
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "testdata" / "ingest" / "pubmed"
OUT = ROOT / "var" / "bench"
ARTICLE = re.compile(rb"<PubmedArticle>.*?</PubmedArticle>", re.S)
HEAD = (b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
        b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n')


def templates():
    found = []
    for path in sorted(FIXTURES.glob("*.xml")):
        found.extend(ARTICLE.findall(path.read_bytes()))
    if not found:
        raise SystemExit(f"no <PubmedArticle> records under {FIXTURES}")
    return found


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").encode()


def abstract_words():
    """Return the distinct words of the fixtures' real abstracts (a few hundred)."""
    text = b" ".join(re.findall(rb"<AbstractText[^>]*>(.*?)</AbstractText>", b"".join(templates()), re.S))
    return sorted(set(re.findall(r"[A-Za-z][A-Za-z-]+", text.decode())))


def variant(template, n, rng, vocabulary=None):
    """Return a template record as a new article: its own PMID, DOI, title and abstract.

    The abstract is 60-200 words drawn from `vocabulary`, or `synthetic_words.abstract` if None.
    """
    from epitope.demo import synthetic_words as words

    def abstract():
        if vocabulary is None:
            return words.abstract(rng)
        return " ".join(rng.choice(vocabulary) for _ in range(rng.randint(60, 200)))

    pmid = str(40_000_000 + n).encode()
    out = re.sub(rb'(<PMID Version="\d+">)\d+(</PMID>)', rb"\g<1>" + pmid + rb"\g<2>", template, count=1)
    out = re.sub(rb'(<ArticleId IdType="pubmed">)\d+(</ArticleId>)', rb"\g<1>" + pmid + rb"\g<2>", out, count=1)
    out = re.sub(rb'(IdType="doi"[^>]*>)[^<]+(<)', rb"\g<1>10.5555/bench." + pmid + rb"\g<2>", out)
    out = re.sub(rb"<ArticleTitle>.*?</ArticleTitle>",
                 b"<ArticleTitle>" + _escape(words.paper_title(rng, "paper")) + b"</ArticleTitle>", out, count=1, flags=re.S)
    return re.sub(rb"(<AbstractText[^>]*>).*?(</AbstractText>)",
                  lambda m: m.group(1) + _escape(abstract()) + m.group(2), out, flags=re.S)


def build(path, size_mb, seed=1, text="drawn"):
    """Write a PubmedArticleSet of about `size_mb` MB; return the number of records."""
    rng = random.Random(seed)
    records, target = templates(), size_mb * 1024 * 1024
    vocabulary = abstract_words() if text == "drawn" else None
    written = n = 0
    with open(path, "wb") as out:
        out.write(HEAD)
        while written < target:
            chunk = variant(records[n % len(records)], n, rng, vocabulary) + b"\n"
            out.write(chunk)
            written += len(chunk)
            n += 1
        out.write(b"</PubmedArticleSet>\n")
    return n


def status_kb(pid, field):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def stored_count(db_path):
    """Items stored so far, or None while the writer holds the database."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=0.05) as db:
            return db.execute("SELECT COUNT(*) FROM ingest_item").fetchone()[0]
    except sqlite3.Error:
        return None


def ingest(path, var_dir, limit=None, code=None):
    """Run `epitope ingest-file` on `path` (with the code in `code`, else this checkout's).

    Return (seconds, peak RSS MB, first RSS MB, output tail, [(records stored, RSS MB)]).
    """
    # Production settings, as a worker runs: DEBUG's query log alone would hold thousands of
    # bulk INSERTs (raw XML included) and swamp the figure.
    env = {"EPITOPE_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "epitope.settings.production",
           "EPITOPE_SECRET_KEY": "bench-only-" + "x" * 40, "EPITOPE_ALLOWED_HOSTS": "localhost",
           "EPITOPE_INSECURE_HTTP": "1", "EPITOPE_PAGE_CACHE_TIMEOUT": "0", "PATH": "/usr/bin:/bin"}
    # PYTHONPATH comes before the venv's editable install (of this checkout, or of another
    # worktree's): the code measured is the one in `code`, else this checkout's.
    env["PYTHONPATH"] = cwd = str(Path(code).resolve()) if code else str(ROOT)
    epitope = [sys.executable, "-m", "epitope.cli"]
    subprocess.run([*epitope, "migrate", "-v0"], env=env, check=True, cwd=cwd)
    started = time.monotonic()
    proc = subprocess.Popen([*epitope, "ingest-file", str(path), "--json"], env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    peak = first = 0
    timeline, next_sample = [], started + 2
    while proc.poll() is None:
        rss, hwm = status_kb(proc.pid, "VmRSS"), status_kb(proc.pid, "VmHWM")
        if rss and time.monotonic() - started > 5 and not first:
            first = rss  # after Django has started and the first batches are in
        peak = max(peak, hwm or 0, rss or 0)
        if rss and time.monotonic() >= next_sample:
            count = stored_count(var_dir / "epitope.sqlite3")
            if count is not None:
                timeline.append((count, rss / 1024))
                next_sample = time.monotonic() + 2
        if limit and time.monotonic() - started > limit:
            proc.terminate()
            break
        time.sleep(0.2)
    out = proc.communicate()[0].decode(errors="replace")
    return time.monotonic() - started, peak / 1024, first / 1024, out[-600:], timeline


def report(label, size, records, var_dir, result, limit):
    seconds, peak, first, tail, timeline = result
    stopped = ""
    if limit and seconds >= limit:
        stopped = f" (stopped at the time limit, {stored_count(var_dir / 'epitope.sqlite3')} records stored)"
    print(f"\n{label}")
    print(f"{'file MB':>8} {'records':>9} {'ingest s':>9} {'RSS after 5 s MB':>17} {'peak RSS MB':>12}")
    print(f"{size:8,.0f} {records:9,} {seconds:9.0f} {first:17.0f} {peak:12.0f}{stopped}")
    # RSS against records stored: the highest RSS seen in each tenth of the run's records.
    step, rows = max(records // 10, 1), {}
    for count, rss in timeline:
        rows[count // step] = max(rows.get(count // step, 0), rss)
    print("RSS MB by records stored: " + ", ".join(f"{k * step:,}+: {v:.0f}" for k, v in sorted(rows.items())))
    print(f"load average: {Path('/proc/loadavg').read_text().split()[0:3]}")
    said = tail.strip()
    print("epitope ingest-file said:", " ".join(said[said.rfind('"totals"'):].split()) if '"totals"' in said else said[-400:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--limit-seconds", type=float, help="stop the ingest after this long (peak so far)")
    parser.add_argument("--keep", action="store_true", help="keep the file and database")
    parser.add_argument("--baseline", metavar="DIR", help="first run the code in DIR on the same file")
    parser.add_argument("--text", choices=("drawn", "template"), default="drawn",
                        help="abstracts drawn from real abstracts' words (default), or one template as before")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"pubmed-baseline-{args.size_mb}mb{'-template' if args.text == 'template' else ''}.xml"
    var_dir = OUT / "pubmed-memory"
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir()
    started = time.monotonic()
    records = build(path, args.size_mb, text=args.text)
    size = path.stat().st_size / 1024 / 1024
    print(f"wrote {path.name}: {size:,.0f} MB, {records:,} records in {time.monotonic() - started:.0f}s", flush=True)
    try:
        runs = [("baseline: " + args.baseline, args.baseline)] if args.baseline else []
        for label, code in runs + [("this checkout", None)]:
            shutil.rmtree(var_dir, ignore_errors=True)
            var_dir.mkdir()
            result = ingest(path, var_dir, args.limit_seconds, code)
            report(label, size, records, var_dir, result, args.limit_seconds)
    finally:
        if not args.keep:
            path.unlink(missing_ok=True)
    if not args.keep:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
