"""CPU time per uncached hub page, in-process, for comparing two checkouts on a busy machine.

    .venv/bin/python bench/hub_cpu.py [ROOT] [--requests 200]

ROOT (default: this checkout) must hold var/bench/ as bench/hub_load.py prepares it (copy it
between checkouts to compare the same data). Loads Django as `epitope serve` does with the
bench settings (production, page cache off), renders the hub 30 times to warm up, then three
rounds of --requests and prints the best round's process CPU time per request. CPU time, not
requests per second: at a load average of 20 on two cores, throughput says more about the
other work than about the page. Alternate runs of the two checkouts; no figure here is a test.
"""

import argparse
import os
import sys
import time
from pathlib import Path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", nargs="?", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    root = str(Path(args.root).resolve())
    sys.path[:0] = [os.path.join(root, "bench"), root]
    # Imported here, after sys.path names the checkout to measure.
    from epitope.core.management.commands.serve import server_environment

    bench_dir = Path(root) / "var" / "bench"
    os.environ.update(server_environment("127.0.0.1", environ=dict(os.environ), var_dir=bench_dir))
    os.environ.update({"EPITOPE_VAR_DIR": str(bench_dir), "DJANGO_SETTINGS_MODULE": "hub_bench.settings",
                       "EPITOPE_PAGE_CACHE_TIMEOUT": "0"})
    import django

    django.setup()
    import epitope
    from django.test import Client

    assert epitope.__file__.startswith(root), f"bench: measuring {epitope.__file__}, not {root}"
    client = Client(HTTP_HOST="127.0.0.1")
    for _ in range(30):
        response = client.get("/cancer-immunology/")
        assert response.status_code == 200, response.status_code
    rounds = []
    for _ in range(3):
        start = time.process_time()
        for _ in range(args.requests):
            client.get("/cancer-immunology/")
        rounds.append((time.process_time() - start) / args.requests * 1000)
    print(f"{root}: hub, page cache off: {min(rounds):.2f} ms CPU per request "
          f"(rounds {', '.join(f'{r:.2f}' for r in rounds)}), {len(response.content)} bytes, "
          f"1-minute load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
