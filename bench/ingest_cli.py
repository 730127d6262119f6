"""`epitope ingest-file` as operators run it, beside feedparser's and fastfeedparser's parse.

Usage: .venv/bin/python bench/ingest_cli.py [--rounds 3] [--broken 4] [--baseline REV] [--keep]

The issue-shaped corpus of `ingest_corpus.py` (`feed_corpus.issue_corpus`: 200 documents
replicated from our real full-text feeds, ~36 MB, ~5,000 distinct entries, plus `--broken`
truncated feeds only a tolerant parser reads) is written to files in a temporary directory.
Then, for `--rounds` rounds, in an order that turns each round, each of these runs as a fresh
process of its own:

- `python -m epitope.cli ingest-file FILE…` of this tree (and of `--baseline REV`'s tree, a
  `git archive` export of that commit with this tree's compiled `_minhash`), under the
  production settings profile an operator's environment selects (EPITOPE_SECRET_KEY set, no
  DJANGO_SETTINGS_MODULE), into a fresh SQLite database (a copy of a file migrated before any
  clock starts: the operator's `epitope migrate` is not part of the import). Start-up,
  parsing, sanitising, storing, clustering, classifying and the summary are all counted;
- feedparser's parse alone of the same files: a child that imports feedparser, then reads and
  parses every file, timing itself from after the import (the "parse alone" figure) and timed
  whole from outside as well;
- fastfeedparser's (0.6.5, a bench-only dependency: bench/requirements.txt) the same way.

Wall time is measured around each child; CPU is the child's own user + system time and peak
RSS its `ru_maxrss`, both from `os.wait4` of that child. `ru_maxrss` of a child that was
spawned by a large parent would carry the parent's peak (Linux keeps the larger of the two
across exec), so this process never imports Epitope or a parser (the corpus is written by a
child too) and prints its own peak, and the peak of a child running `pass`, as the floor.
Ratios are feedparser's parse alone over our whole command, per round, with their median.
"""

import argparse
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PARSERS = ("feedparser", "fastfeedparser")


def write_corpus(directory, broken):
    """Child mode: write the issue-shaped corpus's documents as files into `directory`."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from feed_corpus import issue_corpus

    for n, (name, data) in enumerate(issue_corpus(broken)):
        (Path(directory) / f"{n:04d}-{name.replace('#', '-')}").write_bytes(data)


def parse_files(parser, paths):
    """Child mode: parse every file with `parser`; print the times after import and the counts."""
    wall, cpu = time.perf_counter(), time.process_time()
    module = __import__(parser)
    imported_wall, imported_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    entries, refused = 0, 0
    for path in paths:
        data = Path(path).read_bytes()
        try:
            found = len(module.parse(data).entries)
        except Exception:  # noqa: BLE001 - fastfeedparser raises on what it cannot read
            found = 0
        entries += found
        refused += not found
    print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                      "import_wall": imported_wall, "import_cpu": imported_cpu,
                      "entries": entries, "refused": refused}))


def run_child(args, env=None, cwd=None, out=None):
    """Run one child; return (wall s, CPU s, peak RSS MB, exit status, stdout text)."""
    stdout = tempfile.TemporaryFile()
    stderr = tempfile.TemporaryFile()
    wall = time.perf_counter()
    proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=stdout, stderr=stderr)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - wall
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    stdout.seek(0)
    stderr.seek(0)
    text, errors = stdout.read().decode(), stderr.read().decode()
    if out is not None:
        Path(out).write_text(text + errors)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, text, errors


def cli_env(workdir, db):
    """The environment of an operator's shell on a production host (no settings module forced)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "EPITOPE_", "DATABASE_URL", "REDIS_URL"))}
    env.update(EPITOPE_SECRET_KEY="bench-" + "x" * 50, EPITOPE_ALLOWED_HOSTS="localhost",
               EPITOPE_VAR_DIR=str(workdir / "var"), DATABASE_URL=f"sqlite:///{db}")
    return env


def export_tree(rev, into):
    """Export commit `rev` of this repository into `into`, with this tree's compiled extension."""
    into.mkdir()
    # Piped, never read here: this process's own peak RSS would become every child's floor.
    subprocess.run(f"git -C {shlex.quote(str(ROOT))} archive {shlex.quote(rev)} | tar -x -C {shlex.quote(str(into))}",
                   shell=True, check=True)
    for built in (ROOT / "epitope" / "ingest").glob("_minhash*.so"):
        shutil.copy(built, into / "epitope" / "ingest" / built.name)
    return into


def migrate_template(tree, workdir):
    """Return a migrated SQLite file of `tree`'s schema, copied for each round's fresh database."""
    db = workdir / "template.sqlite3"
    wall, _cpu, _rss, code, text, errors = run_child(
        [PYTHON, "-m", "epitope.cli", "migrate", "--verbosity", "0"], cli_env(workdir, db), cwd=tree)
    if code:
        sys.exit(f"migrate failed in {tree}:\n{text}{errors}")
    return db


def ingest(tree, template, workdir, files, label, round_no):
    rundir = workdir / f"round{round_no}"
    shutil.rmtree(rundir, ignore_errors=True)
    rundir.mkdir()
    db = rundir / "db.sqlite3"
    shutil.copy(template, db)
    wall, cpu, rss, code, text, errors = run_child(
        [PYTHON, "-m", "epitope.cli", "ingest-file", *map(str, files)], cli_env(rundir, db), cwd=tree)
    total = next((line for line in text.splitlines() if line.startswith("Total:")), "(no total line)")
    if code not in (0, 1) or "Total:" not in total:
        sys.exit(f"{label}: ingest-file exited {code}:\n{text[-2000:]}{errors[-4000:]}")
    shutil.rmtree(rundir)
    return {"wall": wall, "cpu": cpu, "rss": rss, "code": code, "total": total}


def parse_with(parser, files):
    wall, cpu, rss, code, text, errors = run_child([PYTHON, __file__, "--parse", parser, *map(str, files)])
    if code:
        sys.exit(f"{parser} child failed:\n{errors[-4000:]}")
    inner = json.loads(text)
    return {"wall": wall, "cpu": cpu, "rss": rss, "inner_wall": inner["wall"], "inner_cpu": inner["cpu"],
            "entries": inner["entries"], "refused": inner["refused"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternated rounds (default 3)")
    parser.add_argument("--broken", type=int, default=4, help="truncated feeds added (default 4)")
    parser.add_argument("--baseline", metavar="REV", help="also run the CLI of this commit (e.g. main)")
    parser.add_argument("--keep", action="store_true", help="leave the corpus directory")
    parser.add_argument("--write-corpus", metavar="DIR", help=argparse.SUPPRESS)
    parser.add_argument("--parse", choices=PARSERS, help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.write_corpus:
        return write_corpus(args.write_corpus, args.broken)
    if args.parse:
        return parse_files(args.parse, rest)

    workdir = Path(tempfile.mkdtemp(prefix="epitope-cli-bench-"))
    corpus_dir = workdir / "corpus"
    corpus_dir.mkdir()
    subprocess.run([PYTHON, __file__, "--write-corpus", str(corpus_dir), "--broken", str(args.broken)], check=True)
    files = sorted(corpus_dir.iterdir())
    size = sum(f.stat().st_size for f in files)
    trees = {"this tree": ROOT}
    if args.baseline:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", args.baseline],
                                check=True, capture_output=True, text=True).stdout.strip()
        trees = {f"baseline {commit}": export_tree(args.baseline, workdir / "baseline"), **trees}
    templates = {}
    for label, tree in trees.items():
        # Byte-compiled first, as an installed package is: no side pays for compiling in a round.
        subprocess.run([PYTHON, "-m", "compileall", "-q", str(tree / "epitope")], check=True)
        (workdir / label.replace(" ", "-")).mkdir()
        templates[label] = migrate_template(tree, workdir / label.replace(" ", "-"))

    floor = run_child([PYTHON, "-c", "pass"])[2]
    load_before = os.getloadavg()
    print(f"Corpus: {len(files)} files, {size / 1e6:.1f} MB ({workdir}); load average before "
          + " ".join(f"{x:.2f}" for x in load_before))
    sides = [*trees, *PARSERS]
    results = {side: [] for side in sides}
    for r in range(args.rounds):
        order = sides[r % len(sides):] + sides[:r % len(sides)]  # each side in turn goes first
        for side in order:
            if side in PARSERS:
                results[side].append(parse_with(side, files))
            else:
                results[side].append(ingest(trees[side], templates[side], workdir / side.replace(" ", "-"),
                                            files, side, r))
        fp = results["feedparser"][-1]
        print(f"round {r + 1} ({', '.join(order)}): " + "; ".join(
            f"{side} {results[side][-1]['wall']:.2f} s wall {results[side][-1]['cpu']:.2f} s CPU"
            for side in sides) + f"; feedparser parse alone {fp['inner_cpu']:.2f} s CPU {fp['inner_wall']:.2f} s wall")
    load_after = os.getloadavg()

    def med(side, key):
        return statistics.median(x[key] for x in results[side])

    print(f"\nMedians of {args.rounds} rounds (load average before "
          f"{' '.join(f'{x:.2f}' for x in load_before)}, after {' '.join(f'{x:.2f}' for x in load_after)}):")
    print(f"{'':44}{'wall s':>9}{'CPU s':>9}{'peak RSS MB':>13}")
    for side in PARSERS:
        print(f"{side + ', whole child':44}{med(side, 'wall'):9.2f}{med(side, 'cpu'):9.2f}{med(side, 'rss'):13.0f}")
        print(f"{side + ', parse alone (after import)':44}{med(side, 'inner_wall'):9.2f}{med(side, 'inner_cpu'):9.2f}"
              f"   {results[side][0]['entries']} entries, {results[side][0]['refused']} files refused")
    for side in trees:
        print(f"{'epitope ingest-file, ' + side:44}{med(side, 'wall'):9.2f}{med(side, 'cpu'):9.2f}"
              f"{med(side, 'rss'):13.0f}   exit {results[side][0]['code']}: {results[side][0]['total']}")
    print()
    for side in trees:
        cpu = [f["inner_cpu"] / e["cpu"] for f, e in zip(results["feedparser"], results[side])]
        wall = [f["inner_wall"] / e["wall"] for f, e in zip(results["feedparser"], results[side])]
        fast = [f["inner_cpu"] / e["cpu"] for f, e in zip(results["fastfeedparser"], results[side])]
        print(f"{side}: feedparser's parse alone / ingest-file: CPU " + " ".join(f"{x:.2f}x" for x in cpu)
              + f" (median {statistics.median(cpu):.2f}x, target >= 4x); wall " + " ".join(f"{x:.2f}x" for x in wall)
              + f" (median {statistics.median(wall):.2f}x, target >= 3x); peak RSS {max(e['rss'] for e in results[side]):.0f}"
              f" MB (target < 250); fastfeedparser's parse alone / ingest-file CPU {statistics.median(fast):.2f}x")
    print(f"RSS floor: a child running `pass` peaks at {floor:.0f} MB; this process at "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if args.keep:
        print(f"Corpus kept in {corpus_dir}")
    else:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
