"""Latency at scale: hub, facet filter, search and leads inbox at 10k, 100k and 1M ingested items.

    .venv/bin/python bench/scale.py                       # both backends, all three levels
    .venv/bin/python bench/scale.py --levels 10000,100000 --backends sqlite
    .venv/bin/python bench/scale.py --levels 1000000 --keep     # then, after a change:
    .venv/bin/python bench/scale.py --reuse                     # measure the kept databases again

For each backend a throwaway database is made (var/bench/scale.sqlite3, or `epitope_bench` on
the PostgreSQL server at 127.0.0.1:5432, dropped afterwards), filled by `epitope generate-data`
up to each level in turn (articles = items / 100), and each URL is requested warm through
Django's test Client in a fresh process: uncached, as a page-cache miss sees it. Prints
p50/p95 per URL and level, and whether p95 is under the target. `--reuse` measures databases
kept by an earlier `--keep` run as they are (after applying new migrations), without
generating anything: a million items take 5-20 minutes to generate.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
VAR = ROOT / "var" / "bench" / "scale"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DB = "epitope_bench"
TARGET_MS = 100
ARTICLES_PER_ITEM = 1 / 100

# (label, url, needs admin login)
URLS = [
    ("hub", "/immunology/", False),
    ("hub ?type=feature", "/immunology/?type=feature", False),
    ("hub ?modality=car-t", "/immunology/?modality=car-t", False),
    ("hub page 5", "/immunology/?page=5", False),
    ("search", "/search/?q=melanoma", False),
    ("search 2 words", "/search/?q=pd-1+melanoma", False),
    ("search CAR-T", "/search/?q=CAR-T", False),
    ("search broadened", "/search/?q=melanoma+zyxwv", False),  # nothing has both: any word
    ("leads inbox", "/admin/leads/", True),
    ("leads by source", "/admin/leads/?source={source}", True),
    ("leads most covered", "/admin/leads/?order=covered", True),
]
# The hub again, its listing tag bumped before every request, as a publish under it bumps it: the
# filter bar's counts (kept per process until then) are counted afresh, as the first visitor
# after a publish pays them.
AFTER_PUBLISH = [("hub after a publish", "/immunology/")]


def env_for(backend):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="epitope.settings.test", EPITOPE_VAR_DIR=str(VAR / backend))
    env.pop("REDIS_URL", None)
    if backend == "postgres":
        env["DATABASE_URL"] = f"{PG_SERVER}/{PG_DB}"
    else:
        env.pop("DATABASE_URL", None)
    return env


def run(cmd, env, **kwargs):
    return subprocess.run(cmd, env=env, check=True, cwd=ROOT, **kwargs)


def fresh_database(backend):
    shutil.rmtree(VAR / backend, ignore_errors=True)
    (VAR / backend).mkdir(parents=True)
    if backend == "postgres":
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", PG_DB], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_DB], check=True)
    run([BIN / "epitope", "migrate", "-v0"], env_for(backend))


def drop_database(backend):
    if backend == "postgres":
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", PG_DB], check=False)
    shutil.rmtree(VAR / backend, ignore_errors=True)


def grow(backend, have, level, seed):
    """Add items (and articles) until there are `level` items; return seconds taken."""
    started = time.monotonic()
    articles = int(level * ARTICLES_PER_ITEM) - int(have * ARTICLES_PER_ITEM)
    run([BIN / "epitope", "generate-data", "--articles", str(articles), "--items", str(level - have),
         "--seed", str(seed), "--quiet"], env_for(backend), stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def measure(backend, requests):
    out = run([sys.executable, __file__, "--measure", str(requests)], env_for(backend),
              stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure_here(requests):
    """Run inside a process bound to one database: time every URL, print JSON {label: [p50, p95, status]}."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    from epitope.ingest.models import Item, Source

    setup_test_environment()  # ALLOWED_HOSTS for the test Client; templates render as usual
    from epitope.demo.synthetic import refresh_planner_statistics

    refresh_planner_statistics()  # as autovacuum leaves a database some time after a bulk load
    User = get_user_model()
    admin = User.objects.filter(username="bench").first() or User.objects.create_superuser("bench", "b@example.org", "x")
    source = Source.objects.order_by("pk").first()
    anonymous, editor = Client(), Client()
    editor.force_login(admin)
    results = {}
    for label, url, login in URLS:
        client = editor if login else anonymous
        url = url.format(source=source.pk if source else 0)
        status = 0
        for _ in range(3):  # warm: renditions, template and vocabulary caches
            status = client.get(url).status_code
        times, cpu = [], []
        for _ in range(requests):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        results[label] = [*percentiles(times), status]
        # CPU time of this process (SQLite's work included, PostgreSQL's not): a figure that a
        # machine busy with other work inflates far less than the wall clock.
        results[f"{label} (cpu)"] = [*percentiles(cpu), status]
    from epitope.pagecache import cache
    from epitope.topics.models import TopicPage

    for label, url in AFTER_PUBLISH:
        hub = TopicPage.objects.get(url_path__endswith=url)
        tag = cache.listing_tag(hub.topic_id)
        times, cpu = [], []
        for _ in range(requests):
            cache.bump([tag])
            started, started_cpu = time.perf_counter(), time.process_time()
            status = anonymous.get(url).status_code
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        results[label] = [*percentiles(times), status]
        results[f"{label} (cpu)"] = [*percentiles(cpu), status]
    results["_items"] = Item.objects.count()
    print(json.dumps(results))


def percentiles(values):
    values = sorted(values)
    return [statistics.median(values), values[max(int(len(values) * 0.95) - 1, 0)]]


def table(rows):
    """Print one line per URL and one column per (backend, level): p95 wall / p95 CPU in ms."""
    heads = [f"{backend} {level // 1000:,}k" for backend, level, _, _ in rows]
    print(f"\n{'p95 ms, wall / cpu':22}" + "".join(f"{h:>18}" for h in heads))
    print(f"{'(generated in, s)':22}" + "".join(f"{gen:>18.0f}" for _, _, gen, _ in rows))
    for label in [row[0] for row in URLS + AFTER_PUBLISH]:
        cells = []
        for _, _, _, results in rows:
            wall, cpu = results.get(label), results.get(f"{label} (cpu)")
            if wall is None:
                cells.append(f"{'-':>18}")
                continue
            mark = "" if wall[2] == 200 else f" [{wall[2]}]"
            mark += "*" if wall[1] >= TARGET_MS else " "
            cpu_text = f"{cpu[1]:.0f}" if cpu else "?"
            cells.append(f"{wall[1]:>9.0f} / {cpu_text:>4}{mark:>2}")
        print(f"{label:22}" + "".join(cells))
    print(f"\n* wall-clock p95 at or over the {TARGET_MS} ms target; [code] an HTTP status other than 200. "
          "CPU is this process's only (SQLite's work included, the PostgreSQL server's not).")


def rows_from_logs(paths):
    rows = []
    for path in paths:
        for line in Path(path).read_text().splitlines():
            found = re.match(r"(\w+) ([\d,]+) items: generated in (\d+)s; (.*)$", line)
            if found:
                backend, level, gen, data = found.groups()
                rows.append((backend, int(level.replace(",", "")), float(gen), json.loads(data)))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="10000,100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure the databases an earlier --keep run left")
    parser.add_argument("--table", nargs="+", metavar="LOG", help="print the table of earlier runs' output")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure_here(args.measure)
    if args.table:
        return table(rows_from_logs(args.table))
    levels = sorted(int(n) for n in args.levels.split(","))
    rows = []
    if args.reuse:
        for backend in args.backends.split(","):
            run([BIN / "epitope", "migrate", "-v0"], env_for(backend))
            results = measure(backend, args.requests)
            level = results.pop("_items")
            rows.append((backend, level, 0, results))
            print(f"{backend} {level:,} items: generated in 0s; " + json.dumps(results), flush=True)
        return table(rows)
    for backend in args.backends.split(","):
        fresh_database(backend)
        have = 0
        try:
            for n, level in enumerate(levels, 1):
                gen = grow(backend, have, level, seed=n)
                have = level
                results = measure(backend, args.requests)
                results.pop("_items", None)
                rows.append((backend, level, gen, results))
                print(f"{backend} {level:,} items: generated in {gen:.0f}s; " + json.dumps(results), flush=True)
        finally:
            if not args.keep:
                drop_database(backend)
    table(rows)


if __name__ == "__main__":
    main()
