"""Time one uncached hub and article render in-process, for a machine too busy for `make bench`.

    .venv/bin/python bench/render_time.py [--tree /path/to/other/checkout] [--bench-dir var/bench] [-n 200]

Uses the site `hub_load.py` built (its SQLite file under the bench directory), the production
settings with the page cache off, and Django's test client: no server, no network, one thread.
Prints the fastest and the median time of each page over `-n` renders, wall-clock and this
thread's CPU time. CPU time and the fastest of many renders move less than req/s with other work
on the machine, so two trees (`--tree`) run one after the other compare fairly even under load.
No figure here is a test.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"hub": "/cancer-immunology/", "article": "/articles/car-t-after-car-t-failure-lymphoma/"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose code renders (default: this one)")
    parser.add_argument("--bench-dir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("-n", type=int, default=200)
    args = parser.parse_args()
    sys.path[:0] = [str(args.tree), str(args.tree / "bench")]
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "epitope.settings.production", "EPITOPE_VAR_DIR": str(args.bench_dir),
        "EPITOPE_SECRET_KEY": "render-time-bench-only-" + "x" * 40, "EPITOPE_INSECURE_HTTP": "1",
        "EPITOPE_ALLOWED_HOSTS": "testserver", "EPITOPE_PAGE_CACHE_TIMEOUT": "0",
    })
    import django

    django.setup()
    import epitope
    from django.test import Client

    client = Client()
    wall, cpu = ({name: [] for name in PAGES} for _ in range(2))
    for n in range(args.n + 20):  # the first 20 warm the process's memos and compiled queries
        for name, path in PAGES.items():
            start, start_cpu = time.perf_counter(), time.thread_time()
            response = client.get(path)
            elapsed, elapsed_cpu = time.perf_counter() - start, time.thread_time() - start_cpu
            assert response.status_code == 200, (path, response.status_code)
            if n >= 20:
                wall[name].append(elapsed * 1000)
                cpu[name].append(elapsed_cpu * 1000)
    load = os.getloadavg()[0]
    print(f"{Path(epitope.__file__).parent.parent}  load {load:.1f}  " + "  ".join(
        f"{name} wall min {min(wall[name]):.2f} median {statistics.median(wall[name]):.2f}, "
        f"CPU min {min(cpu[name]):.2f} median {statistics.median(cpu[name]):.2f} ms" for name in PAGES))


if __name__ == "__main__":
    main()
