"""Speed and memory of `epitope classify` as operators run it, beside today's classifier.

    .venv/bin/python bench/classify_speed.py [--baseline-commit 8ae8b71] [--size-mb 400]

Runs the CLI (`python -m epitope.cli classify FILE`) as a child process on the labelled MEDLINE
tuning file (15,002 records, gzipped) and on a ~400 MB MEDLINE file it builds under var/bench/
by repeating the tuning file's records (not committed). The same runs are made with the code of
`--baseline-commit` (exported with `git archive` to a temporary folder, same interpreter), in
the same session, alternated (today's classify reads no gzip: both read an unpacked copy of
the tuning file, and this branch reads the gzipped file too). For each run: wall and CPU
seconds, records (JSON lines) out, peak RSS of the child (getrusage), and records/s with
start-up excluded: the wall and CPU of a run on a one-record file (Django, the vocabulary, the
tagger) subtracted. The load average is printed before and after: on a shared machine, read the CPU figures first.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TUNING = ROOT / "tests" / "testdata" / "classify" / "medline" / "medline-1977-79-tuning.xml.gz"
ONE = ROOT / "tests" / "testdata" / "classify" / "pubmed" / "38704912.xml"
BENCH_DIR = Path(os.environ.get("EPITOPE_BENCH_DIR", ROOT / "var" / "bench"))
MEMORY_CAP = 12 << 30  # the baseline reads the whole file: stop it before it takes the machine


def build_big_file(size_mb: int) -> Path:
    """Return a plain MEDLINE file of about `size_mb` MB made of the tuning file's records."""
    path = BENCH_DIR / f"medline-{size_mb}mb.xml"
    if path.exists() and path.stat().st_size > size_mb * 0.9e6:
        return path
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    data = gzip.open(TUNING).read()
    start = data.index(b"<PubmedArticle>")
    end = data.rindex(b"</PubmedArticleSet>")
    head, body = data[:start], data[start:end]
    tmp = path.with_suffix(".part")
    with tmp.open("wb") as out:
        out.write(head)
        written = len(head)
        while written < size_mb * 1e6:
            out.write(body)
            written += len(body)
        out.write(b"</PubmedArticleSet>\n")
    tmp.rename(path)
    return path


def unpacked(path: Path) -> Path:
    """Return a plain copy of a gzipped file under BENCH_DIR (the baseline's classify reads no gzip)."""
    plain = BENCH_DIR / path.name.removesuffix(".gz")
    if not plain.exists():
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        plain.write_bytes(gzip.open(path).read())
    return plain


def export_baseline(commit: str, into: Path) -> Path:
    """Return a folder holding the project's files at `commit` (git archive, no worktree)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit],
                             capture_output=True, check=True).stdout
    tar_path = into / "baseline.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(into / "code", filter="data")
    return into / "code"


def run_classify(code: Path, path: Path) -> dict:
    """Run `epitope classify path` from `code`; return its figures."""
    env = {**os.environ, "PYTHONPATH": str(code), "DJANGO_SETTINGS_MODULE": "epitope.settings.dev"}

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "epitope.cli", "classify", str(path)], cwd=code, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=cap)
    lines = errors = 0
    first_line_at = None
    for raw in child.stdout:
        if first_line_at is None:
            first_line_at = time.perf_counter() - started
        lines += 1
        errors += raw.startswith(b'{"id": null')
    stderr = child.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    return {
        "file": path.name, "records": lines, "unreadable": errors, "exit": os.waitstatus_to_exitcode(status),
        "wall_s": round(wall, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "first_line_s": round(first_line_at or 0, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "stderr": stderr.strip().splitlines()[-1][:200] if stderr.strip() else "",
    }


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline-commit", default="8ae8b71")
    parser.add_argument("--size-mb", type=int, default=400)
    parser.add_argument("--small", type=Path, default=TUNING, help="the first file (default: tuning file)")
    parser.add_argument("--skip-big-baseline", action="store_true",
                        help="do not run the baseline on the big file (it reads it whole into memory)")
    args = parser.parse_args(argv)

    big = build_big_file(args.size_mb)
    print(f"files: {args.small.name} ({args.small.stat().st_size / 1e6:.1f} MB), {big.name} "
          f"({big.stat().st_size / 1e6:.0f} MB plain)")
    print(f"load before: {loadavg()}")
    results = []
    with tempfile.TemporaryDirectory(prefix="classify-baseline-") as tmp:
        baseline = export_baseline(args.baseline_commit, Path(tmp))
        codes = [("this branch", ROOT), (f"baseline {args.baseline_commit}", baseline)]
        startup = {name: run_classify(code, ONE) for name, code in codes}
        small = unpacked(args.small) if args.small.suffix == ".gz" else args.small
        runs = [(codes[0], args.small)] if small != args.small else []
        runs += [(code, path) for path in (small, big) for code in codes
                 if not (path is big and code[1] is baseline and args.skip_big_baseline)]
        for (name, code), path in runs:
            run = run_classify(code, path)
            base = startup[name]
            net_wall = max(run["wall_s"] - base["wall_s"], 1e-9)
            net_cpu = max(run["cpu_s"] - base["cpu_s"], 1e-9)
            run.update(code=name, startup_wall_s=base["wall_s"], startup_cpu_s=base["cpu_s"],
                       rec_per_s_wall=round(run["records"] / run["wall_s"]),
                       rec_per_s_wall_net=round(run["records"] / net_wall),
                       rec_per_s_cpu_net=round(run["records"] / net_cpu),
                       rec_per_s_after_first_line=round(
                           (run["records"] - 1) / max(run["wall_s"] - run["first_line_s"], 1e-9)))
            results.append(run)
            print(json.dumps(run), flush=True)
    print(f"load after: {loadavg()}")
    print()
    print(f"{'code':<20} {'file':<34} {'records':>8} {'wall s':>7} {'cpu s':>7} {'rec/s':>7} "
          f"{'rec/s net':>9} {'rec/cpu-s net':>13} {'peak RSS MB':>11} exit")
    for r in results:
        print(f"{r['code']:<20} {r['file']:<34} {r['records']:>8} {r['wall_s']:>7} {r['cpu_s']:>7} "
              f"{r['rec_per_s_wall']:>7} {r['rec_per_s_wall_net']:>9} {r['rec_per_s_cpu_net']:>13} "
              f"{r['peak_rss_mb']:>11} {r['exit']}")
    print("net = start-up (a one-record run: Django, vocabulary, tagger) subtracted; target >= 10,000 rec/s")
    for r in results:
        print(f"{r['code']:<20} {r['file']:<34} "
              f"records/s after the first line: {r['rec_per_s_after_first_line']}"
              " (the baseline parses the whole file before its first line)")
    out = BENCH_DIR / "classify_speed.json"
    out.write_text(json.dumps({"load": loadavg(), "runs": results}, indent=1))


if __name__ == "__main__":
    main()
