"""epitope.pagecache.supervisor with plain processes: what it does not depend on granian for.

The supervisor runs in a process of its own (it blocks signals and becomes a subreaper, which
the test process must not), supervising a small Python program instead of granian.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from epitope.pagecache.supervisor import MARGIN

SUPERVISOR = """
import sys
from epitope.pagecache.supervisor import supervise
outcome = supervise([sys.executable, "-c", sys.argv[1]], None, int(sys.argv[2]))
print(outcome.message, flush=True)
sys.exit(outcome.exit_code)
"""

# A server that ignores SIGTERM and SIGINT, with a helper that left its process tree the way
# daemons do (double fork): only a subreaper still has it as a descendant.
DEAF = """
import os, signal, sys, time
for sig in (signal.SIGTERM, signal.SIGINT):
    signal.signal(sig, signal.SIG_IGN)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        print("orphan", os.getpid(), flush=True)
        time.sleep(600)
    os._exit(0)
print("server", os.getpid(), flush=True)
time.sleep(600)
"""

# Counts the stop signals it gets, and stops a second after the first.
COUNTING = """
import signal, time
got = []
signal.signal(signal.SIGTERM, lambda *args: got.append(1))
print("ready", flush=True)
while not got:
    time.sleep(0.01)
time.sleep(1)
print(len(got), "signal(s)", flush=True)
"""

POLITE = """
import signal, sys, time
signal.signal(signal.SIGTERM, lambda *args: sys.exit(0))
print("ready", flush=True)
time.sleep(600)
"""


def supervise(program, kill_timeout):
    proc = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR, program, str(kill_timeout)], cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, text=True,
    )
    return proc


def pids_of(proc):
    """Read the two "name PID" lines of DEAF; return {name: pid}."""
    return dict((name, int(pid)) for name, pid in (proc.stdout.readline().split() for _ in range(2)))


def alive(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_deaf_server_and_the_process_it_let_go_are_killed_after_the_timeout():
    proc = supervise(DEAF, kill_timeout=1)
    pids = pids_of(proc).values()
    started = time.monotonic()
    os.killpg(proc.pid, signal.SIGTERM)  # the orphan has a session of its own: not reached by this
    output = proc.communicate(timeout=1 + MARGIN + 10)[0]
    elapsed = time.monotonic() - started
    assert 1 + MARGIN - 0.5 <= elapsed, "the server was not given its timeout"
    assert proc.returncode == 1
    assert "had not stopped" in output and "after SIGTERM: killed it and 1 other process(es) with SIGKILL." in output
    assert not any(alive(pid) for pid in pids)


def test_a_second_stop_signal_kills_at_once():
    proc = supervise(DEAF, kill_timeout=30)
    pids = pids_of(proc).values()
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    time.sleep(1.5)  # as a human presses Ctrl-C again
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=10)
    assert time.monotonic() - started < 5 and proc.returncode == 1
    assert not any(alive(pid) for pid in pids)


def test_a_server_that_stops_when_asked_gives_a_clean_exit():
    proc = supervise(POLITE, kill_timeout=30)
    assert proc.stdout.readline() == "ready\n"
    proc.send_signal(signal.SIGTERM)  # to the supervisor alone: it passes the signal on
    output = proc.communicate(timeout=10)[0]
    assert proc.returncode == 0 and output.startswith("Stopped on SIGTERM in ")


def test_a_server_that_ends_by_itself_gives_its_status():
    proc = supervise("import sys; sys.exit(3)", kill_timeout=30)
    output = proc.communicate(timeout=30)[0]
    assert proc.returncode == 3 and "The server exited with status 3." in output


def test_the_server_dies_with_a_killed_supervisor():
    proc = supervise(DEAF, kill_timeout=30)
    pids = pids_of(proc)
    proc.kill()
    proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while alive(pids["server"]) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(pids["orphan"], signal.SIGKILL)  # a process that left the tree is beyond PR_SET_PDEATHSIG
    assert not alive(pids["server"])


def test_a_stop_sent_twice_at_once_reaches_the_server_once_and_stops_it_cleanly():
    # `make serve`: SIGTERM to the group reaches make and `epitope serve`, and make passes it
    # on to `epitope serve` too. granian can hang for ever on a second SIGTERM (see the module).
    proc = supervise(COUNTING, kill_timeout=30)
    assert proc.stdout.readline() == "ready\n"
    os.killpg(proc.pid, signal.SIGTERM)
    proc.send_signal(signal.SIGTERM)
    output = proc.communicate(timeout=10)[0]
    assert output.startswith("1 signal(s)\n") and "Stopped on SIGTERM in" in output
    assert proc.returncode == 0
