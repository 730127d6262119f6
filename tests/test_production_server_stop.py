"""A stop always ends `epitope serve`: under load, again and again, and with a process stuck.

Real processes (the supervisor, granian, two workers) under real HTTP load on loopback. "Gone"
means no process of the server's session is left: workers leave the server's process group,
not its session.
"""

import fcntl
import http.client
import os
import signal
import subprocess
import sys
import termios
import threading
import time

import pytest

from epitope.pagecache.supervisor import MARGIN, session_members
from tests.test_production_server import free_port
from tests.test_production_server_workers import answers, epitope, granian_of, listens, var_dir, wait_for, workers_of

__all__ = ["var_dir"]  # the module's migrated database, shared with the workers' tests

KILL_TIMEOUT = 4  # seconds, passed as --kill-timeout: short, so the stuck cases stay quick
SLACK = 5  # seconds for a busy 2-core machine to schedule the kills and reap


class Load:
    """Keep-alive clients fetching pages as fast as the server answers, until stopped."""

    def __init__(self, port, clients=8, paths=("/", "/articles/", "/no-such-page/")):
        self.port, self.paths, self.answered, self.running = port, paths, 0, True
        self.threads = [threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(clients)]
        for thread in self.threads:
            thread.start()

    def _client(self, n):
        conn = None
        while self.running:
            try:
                conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", self.paths[n % len(self.paths)])
                conn.getresponse().read()
                self.answered += 1
            except (OSError, http.client.HTTPException):
                conn = None  # the server is stopping: reconnect, as a browser would
                time.sleep(0.01)

    def stop(self):
        self.running = False
        for thread in self.threads:
            thread.join(timeout=10)


@pytest.fixture
def served(var_dir):
    """Start `epitope serve` (2 workers, --kill-timeout KILL_TIMEOUT) under load; end anything left."""
    port = free_port()
    proc = epitope(["serve", "--port", str(port), "--workers", "2", "--threads", "2", "--no-collectstatic",
                    "--kill-timeout", str(KILL_TIMEOUT)], var_dir)
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: answers(base) or proc.poll() is not None, 120, "epitope serve did not answer")
    if proc.poll() is not None:
        pytest.fail(proc.stdout.read().decode())
    granian = granian_of(proc.pid)
    workers = wait_for(lambda: len(found := workers_of(granian)) == 2 and found, 30, "two workers did not start")
    wait_for(lambda: all(listens(pid, port) for pid in workers), 60, "both workers did not listen")
    load = Load(port)
    wait_for(lambda: load.answered >= 20, 30, "the server did not answer the load")
    yield {"proc": proc, "granian": granian, "workers": workers, "base": base, "load": load}
    load.stop()
    for pid in session_members(proc.pid):
        os.kill(pid, signal.SIGKILL)
    proc.wait(timeout=10)


def stop(served, sig, to="group"):
    """Send the stop; return the seconds until no process of the server's session is left, and its output."""
    proc = served["proc"]
    started = time.monotonic()
    if to in ("group", "both"):
        os.killpg(proc.pid, sig)  # what Ctrl-C in a terminal and `kill -- -PGID` do
    if to in ("server", "both"):
        proc.send_signal(sig)  # what `kill PID` or a container runtime's stop does; both: what make adds
    limit = KILL_TIMEOUT + MARGIN + SLACK
    wait_for(lambda: not session_members(proc.pid), limit, f"a process of the server was left after {sig.name} to the {to}")
    elapsed = time.monotonic() - started
    output = proc.communicate(timeout=10)[0].decode()
    assert not answers(served["base"])
    return elapsed, output


STOPS = [(signal.SIGTERM, "both"), (signal.SIGTERM, "group"), (signal.SIGINT, "group"), (signal.SIGTERM, "server")]


@pytest.mark.parametrize("attempt", range(5))
def test_a_stop_under_load_ends_every_process_soon_and_cleanly(served, attempt):
    sig, to = STOPS[attempt % len(STOPS)]
    elapsed, output = stop(served, sig, to)
    # granian got to its stop and ended its workers itself (the supervisor killed nothing). On a
    # busy machine a worker may still be finishing pages after the short kill timeout used here:
    # granian kills it then ("refused to gracefully stop"), as --kill-timeout promises.
    assert served["proc"].returncode == 0, (elapsed, output)
    assert f"Stopped on {sig.name} in" in output, (elapsed, output)


def test_a_frozen_worker_is_killed_within_the_kill_timeout(served):
    os.kill(served["workers"][0], signal.SIGSTOP)  # takes no signal but SIGKILL, answers nothing
    elapsed, output = stop(served, signal.SIGTERM)
    assert KILL_TIMEOUT - 1 <= elapsed, "granian gave the frozen worker less than the kill timeout"
    assert served["proc"].returncode == 0, output  # granian killed it itself, as --workers-kill-timeout says


def test_a_server_that_ignores_the_stop_is_killed_with_its_workers(served):
    # What the issue saw: granian's main process took the stop signal and did nothing with it,
    # its workers kept answering. A stopped process is the surest way to be that deaf.
    os.kill(served["granian"], signal.SIGSTOP)
    sig = signal.SIGTERM
    elapsed, output = stop(served, sig)
    assert KILL_TIMEOUT + MARGIN - 1 <= elapsed, "the supervisor did not give granian its kill timeout"
    assert served["proc"].returncode == 1
    assert "The server had not stopped" in output and f"after {sig.name}: killed it and 2 other process(es)" in output


def test_a_second_ctrl_c_kills_at_once(served):
    os.kill(served["granian"], signal.SIGSTOP)
    proc = served["proc"]
    started = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    time.sleep(1.5)  # a repeat within a second is the same stop sent twice (the group's and make's)
    os.killpg(proc.pid, signal.SIGINT)
    wait_for(lambda: not session_members(proc.pid), SLACK, "the second Ctrl-C did not end the server")
    assert time.monotonic() - started < KILL_TIMEOUT
    assert proc.wait(timeout=10) == 1


def test_a_bad_kill_timeout_is_refused(tmp_path):
    proc = epitope(["serve", "--port", str(free_port()), "--kill-timeout", "0", "--no-collectstatic"], tmp_path)
    output = proc.communicate(timeout=120)[0].decode()
    assert proc.returncode == 2 and "--kill-timeout must be at least 1 second" in output


def test_ctrl_c_in_a_terminal_stops_it_under_load(var_dir):
    # A real terminal: the server is the session of a pseudo-terminal, and ^C typed on it makes
    # the terminal send SIGINT to its foreground process group, as an operator's Ctrl-C does.
    import fcntl
    import termios

    port = free_port()
    master, slave = os.openpty()
    dropped = ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPITOPE_") and k not in dropped}
    proc = subprocess.Popen(
        [sys.executable, "-m", "epitope.cli", "serve", "--port", str(port), "--workers", "2", "--no-collectstatic",
         "--kill-timeout", str(KILL_TIMEOUT)],
        env={**env, "EPITOPE_VAR_DIR": str(var_dir)}, stdin=slave, stdout=slave, stderr=slave,
        start_new_session=True, preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
    )
    os.close(slave)
    os.set_blocking(master, False)
    output = bytearray()

    def read():
        try:
            output.extend(os.read(master, 65536))
        except (BlockingIOError, OSError):
            pass
        return bytes(output)

    load = None
    try:
        wait_for(lambda: read() is not None and answers(f"http://127.0.0.1:{port}"), 120, "epitope serve did not answer")
        load = Load(port)
        wait_for(lambda: load.answered >= 20, 30, "the server did not answer the load")
        started = time.monotonic()
        os.write(master, b"\x03")  # ^C
        wait_for(lambda: read() is not None and not session_members(proc.pid), KILL_TIMEOUT + MARGIN + SLACK,
                 "a process of the server was left after ^C")
        assert time.monotonic() - started < KILL_TIMEOUT
        assert proc.wait(timeout=10) == 0
        assert b"Stopped on SIGINT in" in read()
    finally:
        if load:
            load.stop()
        for pid in session_members(proc.pid):
            os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=10)
        os.close(master)
