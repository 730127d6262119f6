"""Time one uncached hub and article render in-process, for a machine too busy for `make bench`.

    .venv/bin/python bench/render_time.py [--tree /path/to/other/checkout] [--bench-dir var/bench] [-n 200]

Uses the site `hub_load.py` built (its SQLite file under the bench directory), the production
settings with the page cache off, and Django's test client: no server, no network, one thread.
Prints the fastest and the median time of each page over `-n` renders. The fastest of many
renders moves little with other work on the machine, so two trees (`--tree`) run one after the
other compare fairly even under load. No figure here is a test.
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
    times = {name: [] for name in PAGES}
    for n in range(args.n + 20):  # the first 20 warm the process's memos and compiled queries
        for name, path in PAGES.items():
            start = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - start
            assert response.status_code == 200, (path, response.status_code)
            if n >= 20:
                times[name].append(elapsed * 1000)
    load = os.getloadavg()[0]
    print(f"{Path(epitope.__file__).parent.parent}  load {load:.1f}  " + "  ".join(
        f"{name} min {min(t):.2f} ms median {statistics.median(t):.2f} ms" for name, t in times.items()))


if __name__ == "__main__":
    main()
