"""`epitope serve`'s worker processes for real: a crashed one is replaced, a stop ends them all."""

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from epitope.pagecache.supervisor import children_of
from tests.test_production_server import free_port, get

STOP_WITHIN = 10  # seconds; --workers-kill-timeout (30) is what a lost stop signal would wait


def epitope(args, var_dir, **env):
    """Start the `epitope` command in a clean environment (nothing Epitope-specific) and its own session."""
    dropped = ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "DATABASE_URL")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EPITOPE_") and k not in dropped}
    return subprocess.Popen(
        [sys.executable, "-m", "epitope.cli", *args], env={**clean, "EPITOPE_VAR_DIR": str(var_dir), **env},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )


def workers_of(pid):
    """Return the PIDs of the live (not zombie) child processes of `pid`."""
    return children_of(pid)


def alive(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def listening(port):
    """Return the inodes of the sockets listening on `port` (each granian worker binds its own)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
            inodes.add(fields[9])
    return inodes


def sockets_of(pid):
    """Return the inodes of the sockets process `pid` holds open."""
    try:
        fds = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:
        return set()
    return {fd[8:-1] for fd in fds if fd.startswith("socket:[")}


def listens(pid, port):
    return bool(sockets_of(pid) & listening(port))


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {timeout} s")
        time.sleep(0.1)
    return result


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory):
    """A migrated database for the servers of this module, so that each starts in seconds."""
    var_dir = tmp_path_factory.mktemp("serve-workers-var")
    migrate = epitope(
        ["migrate", "--noinput", "--verbosity", "0"], var_dir, DJANGO_SETTINGS_MODULE="epitope.settings.production",
        EPITOPE_SECRET_KEY=secrets.token_urlsafe(50), EPITOPE_ALLOWED_HOSTS="127.0.0.1",
    )
    output = migrate.communicate(timeout=300)[0].decode()
    assert migrate.returncode == 0, output
    return var_dir


def granian_of(pid):
    """Return the granian main process that `epitope serve` (process `pid`) supervises."""
    return wait_for(lambda: next(iter(workers_of(pid)), None), 30, "epitope serve started no granian")


@pytest.fixture
def server(var_dir):
    """Run `epitope serve` with two workers; yield its process (the supervisor of granian) and URL."""
    port = free_port()
    proc = epitope(["serve", "--port", str(port), "--workers", "2", "--threads", "1", "--no-collectstatic"], var_dir)
    server = {"proc": proc, "base": f"http://127.0.0.1:{port}", "port": port, "seen": set()}
    wait_for(lambda: answers(server["base"]) or proc.poll() is not None, 120, "epitope serve did not answer")
    if proc.poll() is not None:
        pytest.fail(proc.stdout.read().decode())
    server["granian"] = granian_of(proc.pid)
    wait_for(lambda: len(workers(server)) == 2, 30, "two workers did not start")
    # A worker binds its socket only once it has loaded Django: the first to listen answers the
    # check above while the other may still be loading (seen on CI), and a test that kills the
    # first then would find nobody listening.
    wait_for(lambda: all(listens(pid, port) for pid in workers(server)), 60, "both workers did not listen")
    yield server
    if proc.poll() is None:
        proc.kill()
    for pid in [server["granian"], *workers(server), *sorted(server["seen"])]:  # a worker the test failed to see end
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    proc.wait(timeout=30)


def workers(server):
    """Return the server's live workers, remembering them for the clean-up."""
    found = workers_of(server["granian"])
    server["seen"].update(found)
    return found


def worker_states(server):
    """What a failure message needs: the workers seen, which are alive and which listen, at what time."""
    return f"{time.monotonic():.2f}: " + ", ".join(
        f"{pid} {'alive' if alive(pid) else 'gone'}{' listening' if listens(pid, server['port']) else ''}"
        for pid in sorted(server["seen"])
    )


def answers(base, failures=None):
    """Tell whether the server answers "/" with 200; append why not to `failures`."""
    try:
        status = get(base + "/")[0]
    except OSError as error:
        status = error
    if status != 200 and failures is not None:
        failures.append(f"{time.monotonic():.2f}: {status!r}")
    return status == 200


def crash(server, worker):
    """Kill -9 a worker; return the PID of the worker started in its place."""
    known = set(workers(server))
    its_socket = sockets_of(worker) & listening(server["port"])
    os.kill(worker, signal.SIGKILL)
    # Until its socket is closed, the kernel may still queue connections on it, to be reset then
    # (unless net.ipv4.tcp_migrate_req=1 hands them to another worker's socket). The process can
    # look gone (a zombie leader) while its other threads still hold the socket: watch the socket.
    wait_for(lambda: not alive(worker) and not its_socket & listening(server["port"]), 5,
             "the killed worker's socket was not closed")
    return wait_for(lambda: (new := set(workers(server)) - known) and new.pop(), 15, "no worker replaced the one killed")


def test_a_crashed_worker_is_replaced_and_the_server_keeps_answering(server):
    first, second = workers(server)
    replacement = crash(server, first)
    failures = []
    assert all([answers(server["base"], failures) for _ in range(20)]), (failures, worker_states(server))  # the other answers meanwhile
    # Once the replacement has loaded the app and listens, it answers alone when the other dies.
    # (While no worker listens, connections are refused: the server itself holds no socket.)
    wait_for(lambda: listens(replacement, server["port"]), 30, "the replacement worker did not listen")
    crash(server, second)
    assert alive(replacement) and all([answers(server["base"], failures) for _ in range(10)]), (failures, worker_states(server))
    assert server["proc"].poll() is None


@pytest.mark.parametrize("stop", ["SIGTERM to the process group", "SIGINT to the process group", "SIGTERM to the server"])
def test_a_stop_signal_right_after_a_respawn_ends_the_server_and_every_worker(server, stop):
    # The hard case: the replacement worker is still loading Django when the stop comes.
    proc = server["proc"]
    crash(server, workers(server)[0])
    time.sleep(0.3)
    everyone = set(workers(server))
    sig = signal.SIGINT if "SIGINT" in stop else signal.SIGTERM
    if "group" in stop:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    try:
        proc.wait(timeout=STOP_WITHIN)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the server was still running {STOP_WITHIN} s after {stop}")
    wait_for(lambda: not any(alive(pid) for pid in everyone), 5, "a worker outlived the server")


def test_granian_and_its_workers_do_not_outlive_a_killed_epitope_serve(server):
    proc, orphans = server["proc"], [server["granian"], *workers(server)]
    proc.kill()
    proc.wait(timeout=10)
    wait_for(lambda: not any(alive(pid) for pid in orphans), STOP_WITHIN, "granian or a worker outlived the killed epitope serve")


def test_workers_do_not_outlive_a_killed_granian_and_epitope_serve_says_so(server):
    proc, orphans = server["proc"], workers(server)
    os.kill(server["granian"], signal.SIGKILL)
    output = proc.communicate(timeout=STOP_WITHIN)[0].decode()
    assert proc.returncode == 128 + signal.SIGKILL
    assert "The server exited with signal SIGKILL" in output
    assert not any(alive(pid) for pid in orphans), "a worker outlived the killed granian"
