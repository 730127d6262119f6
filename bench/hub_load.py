"""Load benchmark of the hub and article pages on the production server (what `make bench` runs).

    .venv/bin/python bench/hub_load.py [--articles 300] [--duration 10] [--connections 16]

Builds its own site under var/bench/ (the demo content plus generated articles, its own SQLite
file), starts granian exactly as `epitope serve` does (production settings, loopback), warms
every rendition, then measures with wrk, in one run:

  (a) the Epitope hub page with the page cache off     (b) the same page cached
  (c) an article page, cached and uncached
  (d) a stock Wagtail-style listing of 20 cards (no prefetching; bench/hub_bench/)
  (e) the cached hub HTML as a static file from nginx (python's http.server if nginx is missing)
  (f) the same HTML from a trivial WSGI app under the same granian: the server's own ceiling

and prints requests/s, p50 and p99 beside the issue's targets. No figure here is a test.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(os.environ.get("EPITOPE_BENCH_DIR", ROOT / "var" / "bench"))
sys.path.insert(0, str(ROOT))

from epitope.pagecache.management.commands.serve import (  # noqa: E402
    default_threads, default_workers, server_argv, server_environment,
)

HUB = "/cancer-immunology/"
STOCK = "/bench/stock-listing/"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env():
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env["EPITOPE_VAR_DIR"] = str(BENCH_DIR)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "bench"), str(ROOT)])
    return env


def run(argv, env):
    subprocess.run(argv, env=env, check=True, cwd=ROOT)


def prepare_site(articles):
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    env = base_env() | {"DJANGO_SETTINGS_MODULE": "epitope.settings.dev"}
    run([sys.executable, "-m", "epitope.cli", "demo", "--no-serve", "--verbosity", "0"], env)
    run([sys.executable, str(ROOT / "bench" / "hub_bench" / "load_data.py"), "--articles", str(articles)], env)
    shutil.rmtree(BENCH_DIR / "cache", ignore_errors=True)  # nothing stored by an earlier run's code


class Server:
    """granian as `epitope serve` starts it, with the bench settings (production + the stock page)."""

    def __init__(self, page_cache, workers, threads, app=None, health="/"):
        self.port = free_port()
        env = server_environment("127.0.0.1", environ=base_env(), var_dir=BENCH_DIR)
        env["DJANGO_SETTINGS_MODULE"] = "hub_bench.settings"
        env["EPITOPE_PAGE_CACHE_TIMEOUT"] = "3600" if page_cache else "0"
        self.env, self.health = env, health
        name = "ceiling" if app else "cached" if page_cache else "uncached"
        self.argv = server_argv("127.0.0.1", self.port, workers, threads, **({"app": app} if app else {}))
        self.log = open(BENCH_DIR / f"server-{name}.log", "w")

    def collectstatic(self):
        run([sys.executable, "-m", "epitope.cli", "collectstatic", "--noinput", "--verbosity", "0"], self.env)

    def __enter__(self):
        self.proc = subprocess.Popen(self.argv, env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(self.url(self.health))
        return self

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.log.close()


def wait_for(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"bench: {url} did not answer within {timeout}s")


def fetch(url):
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.headers, response.read()


def warm(server, paths):
    """Render every page once (which creates its renditions) and then a few more times."""
    for path in paths:
        for _ in range(3):
            fetch(server.url(path))


def first_article_path(hub_html):
    match = re.search(r'class="card-title"><a href="([^"]+)"', hub_html)
    return match.group(1)


LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, duration, connections, threads=2):
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {int(p): float(v) * UNIT_MS[u] for p, v, u in LATENCY.findall(out)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rate, "p50": latency[50], "p99": latency[99],
        "errors": (int(errors.group(1)) if errors else 0), "socket": socket_errors.group(1) if socket_errors else "",
    }


NGINX_CONF = """
worker_processes auto;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/tmp; proxy_temp_path {dir}/tmp; fastcgi_temp_path {dir}/tmp;
    uwsgi_temp_path {dir}/tmp; scgi_temp_path {dir}/tmp;
    sendfile on; tcp_nopush on; keepalive_requests 100000;
    types {{ text/html html; }}
    server {{
        listen 127.0.0.1:{port};
        root {dir}/html;
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
"""


class StaticServer:
    """The hub's HTML as a file: nginx on a loopback port (its own config), else python's http.server."""

    def __init__(self, html):
        self.dir = BENCH_DIR / "static-baseline"
        shutil.rmtree(self.dir, ignore_errors=True)
        (self.dir / "html" / HUB.strip("/")).mkdir(parents=True)
        (self.dir / "tmp").mkdir()
        (self.dir / "html" / HUB.strip("/") / "index.html").write_bytes(html)
        self.port = free_port()
        nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
        if nginx:
            conf = self.dir / "nginx.conf"
            conf.write_text(NGINX_CONF.format(dir=self.dir, port=self.port))
            self.label, self.argv = "nginx static file", [nginx, "-c", str(conf), "-p", str(self.dir)]
        else:
            self.label = "python http.server static file (nginx not installed)"
            self.argv = [sys.executable, "-m", "http.server", str(self.port), "--bind", "127.0.0.1",
                         "--directory", str(self.dir / "html")]

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self):
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.url(HUB))
        return self

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--threads", type=int, default=default_threads())
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("bench: wrk is missing (apt-get install wrk)")

    prepare_site(args.articles)
    load_before = os.getloadavg()[0]
    results = {}
    measure = lambda label, url: results.__setitem__(label, wrk(url, args.duration, args.connections))  # noqa: E731

    uncached = Server(page_cache=False, workers=args.workers, threads=args.threads)
    uncached.collectstatic()
    with uncached as server:
        _, hub_html = fetch(server.url(HUB))
        article = first_article_path(hub_html.decode())
        warm(server, [HUB, article, STOCK])
        measure("(a) hub, page cache off", server.url(HUB))
        measure("(c) article, page cache off", server.url(article))
        measure("(d) stock Wagtail listing, 20 cards", server.url(STOCK))

    with Server(page_cache=True, workers=args.workers, threads=args.threads) as server:
        warm(server, [HUB, article])
        headers, cached_html = fetch(server.url(HUB))
        assert headers["X-Epitope-Cache"] == "hit", "the hub should be served from the page cache"
        measure("(b) hub, cached", server.url(HUB))
        measure("(c) article, cached", server.url(article))

    with StaticServer(cached_html) as static:
        measure(f"(e) {static.label}", static.url(HUB))

    ceiling = Server(page_cache=True, workers=args.workers, threads=args.threads, app="hub_bench.static_wsgi:application")
    ceiling.env["EPITOPE_BENCH_HTML"] = str(BENCH_DIR / "static-baseline" / "html" / HUB.strip("/") / "index.html")
    with ceiling as server:
        measure("(f) server ceiling: same HTML, trivial WSGI app", server.url(HUB))

    report(results, args, article, (load_before, os.getloadavg()[0]))


def report(results, args, article, load):
    print(f"\nEpitope hub load: wrk -t2 -c{args.connections} -d{args.duration}s, granian {args.workers} workers "
          f"x {args.threads} threads, production settings, {args.articles} articles, {os.cpu_count()} cores")
    print(f"hub {HUB}  article {article}")
    print(f"1-minute load average {load[0]:.1f} before, {load[1]:.1f} after (other work on the machine skews every figure)\n")
    print(f"{'scenario':<52} {'req/s':>10} {'p50 ms':>9} {'p99 ms':>9}  errors")
    for label, r in results.items():
        errors = f"{r['errors']} non-2xx" if r["errors"] else ""
        print(f"{label:<52} {r['rps']:>10.0f} {r['p50']:>9.2f} {r['p99']:>9.2f}  {errors} {r['socket']}")
    stock = results["(d) stock Wagtail listing, 20 cards"]["rps"]
    static = next(r for label, r in results.items() if label.startswith("(e)"))["rps"]
    hub, hub_cached = results["(a) hub, page cache off"], results["(b) hub, cached"]
    art, art_cached = results["(c) article, page cache off"], results["(c) article, cached"]
    print("\nagainst the issue's targets")
    checks = [
        ("hub uncached >= 5x stock listing", hub["rps"] / stock, 5.0, "x"),
        ("article uncached >= 5x stock listing", art["rps"] / stock, 5.0, "x"),
        ("hub cached >= 25% of static file", 100 * hub_cached["rps"] / static, 25.0, "%"),
        ("article cached >= 25% of static file", 100 * art_cached["rps"] / static, 25.0, "%"),
    ]
    for label, value, target, unit in checks:
        print(f"  {label:<40} {value:8.1f}{unit}  {'met' if value >= target else 'NOT met'}")
    for label in ("(a) hub, page cache off", "(b) hub, cached", "(c) article, page cache off", "(c) article, cached"):
        p99 = results[label]["p99"]
        print(f"  p99 < 50 ms: {label:<33} {p99:8.2f}ms  {'met' if p99 < 50 else 'NOT met'}")


if __name__ == "__main__":
    main()
