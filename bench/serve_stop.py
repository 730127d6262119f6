"""How long `epitope serve` takes to stop under load: every process of its session gone.

    .venv/bin/python bench/serve_stop.py [--stops 50] [--signal TERM|INT] [--to group|server|both]
                                         [--kill-timeout 30] [--stuck none|worker|server]
                                         [--checkout PATH]

Builds the demo site once under a temporary folder, then, --stops times: starts `epitope serve`
(2 workers, its own session), waits until both workers answer, runs wrk -c16 against the hub
(one run to its end and a second still running when the stop comes, as the issue's report did),
sends the signal and times until no process of the server's session is left. --stuck worker
SIGSTOPs a worker first, --stuck server the granian main process (what a lost stop looked like).
Prints each stop, then the median and max, with the load average before and after.
--to both sends the signal to the group and to `epitope serve` itself, a few microseconds apart,
as `make serve` does (make passes SIGTERM on to its children).
A stop that takes longer than --give-up seconds is ended with SIGKILL and counted as hung.
--checkout runs another checkout's `epitope` (e.g. main, for a baseline in the same session).
"""

import argparse
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from epitope.pagecache.supervisor import children_of as children, session_members  # noqa: E402


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(var_dir):
    dropped = ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPITOPE_") and k not in dropped}
    return {**env, "EPITOPE_VAR_DIR": str(var_dir)}


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def one_stop(args, var_dir, extra):
    root = args.checkout
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = subprocess.Popen(
        [sys.executable, "-m", "epitope.cli", "serve", "--port", str(port), "--workers", "2", "--no-collectstatic", *extra],
        cwd=root, env=clean_env(var_dir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not answers(url):
        if time.monotonic() > deadline or proc.poll() is not None:
            raise SystemExit("epitope serve did not answer")
        time.sleep(0.2)
    time.sleep(2)  # the second worker loads Django too
    wrk = ["wrk", "-t2", "-c16", url]
    subprocess.run([*wrk, "-d2s"], stdout=subprocess.DEVNULL, check=True)
    load = subprocess.Popen([*wrk, "-d30s"], stdout=subprocess.DEVNULL)
    time.sleep(1)
    if args.stuck != "none":
        # an old `epitope serve` replaced itself with granian; the new one runs it as its child
        main = proc.pid if b"granian" in Path(f"/proc/{proc.pid}/cmdline").read_bytes() else children(proc.pid)[0]
        os.kill(children(main)[0] if args.stuck == "worker" else main, signal.SIGSTOP)
    sig = signal.SIGINT if args.signal == "INT" else signal.SIGTERM
    start = time.monotonic()
    if args.to in ("group", "both"):
        os.killpg(proc.pid, sig)
    if args.to in ("server", "both"):
        proc.send_signal(sig)
    while session_members(proc.pid):
        if time.monotonic() - start > args.give_up:
            for pid in session_members(proc.pid):
                os.kill(pid, signal.SIGKILL)
            proc.wait()
            load.kill()
            load.wait()
            return None, proc.returncode
        time.sleep(0.02)
    elapsed = time.monotonic() - start
    proc.wait()
    load.kill()
    load.wait()
    return elapsed, proc.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stops", type=int, default=50)
    parser.add_argument("--signal", choices=["TERM", "INT"], default="TERM")
    parser.add_argument("--to", choices=["group", "server", "both"], default="group")
    parser.add_argument("--kill-timeout", type=int, default=None, help="passed to epitope serve (new versions only)")
    parser.add_argument("--stuck", choices=["none", "worker", "server"], default="none")
    parser.add_argument("--give-up", type=float, default=90)
    parser.add_argument("--checkout", type=Path, default=ROOT)
    args = parser.parse_args()
    root = args.checkout
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed (apt-get install wrk)")
    extra = ["--kill-timeout", str(args.kill_timeout)] if args.kill_timeout is not None else []
    with tempfile.TemporaryDirectory(prefix="serve-stop-") as var_dir:
        env = {**clean_env(var_dir), "DJANGO_SETTINGS_MODULE": "epitope.settings.production",
               "EPITOPE_SECRET_KEY": secrets.token_urlsafe(50), "EPITOPE_ALLOWED_HOSTS": "127.0.0.1"}
        subprocess.run([sys.executable, "-m", "epitope.cli", "demo", "--no-serve"], cwd=root, env=clean_env(var_dir),
                       stdout=subprocess.DEVNULL, check=True)
        subprocess.run([sys.executable, "-m", "epitope.cli", "collectstatic", "--noinput", "-v0"], cwd=root, env=env, check=True)
        print(f"load average before: {os.getloadavg()}", flush=True)
        times, hung = [], 0
        for n in range(args.stops):
            elapsed, code = one_stop(args, var_dir, extra)
            if elapsed is None:
                hung += 1
                print(f"stop {n + 1}: HUNG (> {args.give_up} s), killed; exit {code}", flush=True)
            else:
                times.append(elapsed)
                print(f"stop {n + 1}: {elapsed:.2f} s, exit {code}", flush=True)
        print(f"load average after: {os.getloadavg()}")
        if times:
            print(f"{len(times)} stops ended: median {statistics.median(times):.2f} s, max {max(times):.2f} s; hung: {hung}")
        else:
            print(f"every stop hung ({hung})")


if __name__ == "__main__":
    main()
