"""`epitope serve`'s supervisor: a stop signal ends granian and every worker, whatever they do.

granian's main process stops its workers on SIGTERM/SIGINT and kills those still running after
--workers-kill-timeout. That holds only if the main process gets to its stop. Once (issue 27),
under load, it did not for 17 minutes, and only SIGKILL ended it. Its signal handler sets a
threading.Event; a second stop signal arriving while the first handler holds the Event's lock
runs the handler again inside it, which waits for that lock for ever (a plain Python program
doing the same hung 2 times in 400 here when the two signals came a few microseconds apart).
`make serve` delivers two: GNU make passes SIGTERM on to its children, which also have it from
the group. So `epitope serve` no longer replaces itself with granian. It runs granian as its
child, in a process group of its own, and stays as a small supervisor (no threads, no Django
work while serving) that

- passes the first SIGTERM or SIGINT on to granian, once: a repeat within DUPLICATE_WINDOW is
  the same stop (the group's copy and make's), a later one kills at once;
- gives granian its kill timeout plus MARGIN to stop, then SIGKILLs every process left below it;
- passes SIGHUP (granian's "restart the workers") on, at most once per DUPLICATE_WINDOW;
- is the "child subreaper" of its tree, so a worker whose server died is re-parented to it (not
  to init) and is still found, reaped and, if need be, killed;
- takes granian with it if it is killed itself (PR_SET_PDEATHSIG); the workers die with granian
  the same way (epitope.pagecache.serving.detach_granian_worker).

It waits for signals synchronously (blocked, then sigtimedwait): no handler runs at an awkward
moment, and SIGCHLD tells it when a process below it ends.
"""

import ctypes
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}
WATCHED = STOP_SIGNALS | {signal.SIGHUP, signal.SIGCHLD}
# What granian needs after its kill timeout: SIGKILL the workers still running, join them, exit.
MARGIN = 5.0
# Signals this close together are one request sent twice (group and parent), not a human's repeat.
DUPLICATE_WINDOW = 1.0


@dataclass
class Outcome:
    exit_code: int
    message: str


def prctl(option, value):
    if sys.platform != "linux":
        return False
    return ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0) == 0


def live_processes():
    """Map each live (not zombie) process to its (parent, session), from /proc."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if fields[0] != "Z":
            table[int(stat.parent.name)] = (int(fields[1]), int(fields[3]))
    return table


def children_of(pid):
    """Return the live child processes of `pid`, sorted."""
    return sorted(child for child, (parent, _) in live_processes().items() if parent == pid)


def session_members(sid):
    """Return the live processes of session `sid` (what a stop must leave none of)."""
    return [pid for pid, (_, session) in live_processes().items() if session == sid]


def descendants(pid):
    """Return the live processes below `pid`, children first."""
    children = {}
    for child, (parent, _) in live_processes().items():
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        below = children.get(todo.pop(0), [])
        found.extend(below)
        todo.extend(below)
    return found


def _child_setup(supervisor):
    """In granian's process, between fork and exec: die with the supervisor, take signals again."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != supervisor:  # the supervisor died before the line above
        os._exit(1)
    # A stop signal sent to the group in this instant is pending here: with the default action
    # it ends this process at once, instead of raising into the supervisor's Python code.
    for sig in STOP_SIGNALS | {signal.SIGHUP}:
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, WATCHED)


def describe_status(code):
    return f"signal {signal.Signals(-code).name}" if code < 0 else f"status {code}"


class Supervisor:
    def __init__(self, argv, env, kill_timeout):
        self.argv, self.env, self.kill_timeout = argv, env, kill_timeout
        self.me = os.getpid()
        self.child = None
        self.child_code = None  # granian's exit code (negative: the signal that ended it)
        self.stop = None  # (signal, monotonic time) of the first stop signal
        self.deadline = None  # when whatever is left below us gets SIGKILL
        self.last_hup = float("-inf")

    def run(self):
        prctl(PR_SET_CHILD_SUBREAPER, 1)
        signal.pthread_sigmask(signal.SIG_BLOCK, WATCHED)
        # A group of its own: signals for the server's group (Ctrl-C, `kill -- -PGID`) reach us
        # alone, and granian gets each stop once, from us.
        self.child = subprocess.Popen(
            self.argv, env=self.env, process_group=0, preexec_fn=partial(_child_setup, self.me),
        )
        while True:
            self._reap()
            left = descendants(self.me)
            if self.child_code is not None and not left:
                return self._ended()
            now = time.monotonic()
            if self.child_code is not None and self.deadline is None:
                # granian ended by itself and left processes behind: they get the same time.
                self.deadline = now + self.kill_timeout + MARGIN
            if self.deadline is not None and now >= self.deadline:
                return self._kill(left)
            wait = 60.0 if self.deadline is None else max(self.deadline - now, 0.01)
            # While processes are left but none is our child, no SIGCHLD may come: look again soon.
            if self.child_code is not None:
                wait = min(wait, 0.1)
            info = signal.sigtimedwait(WATCHED, wait)
            if info is not None:
                self._on_signal(info.si_signo)

    def _on_signal(self, signo):
        now = time.monotonic()
        if signo == signal.SIGHUP:
            if self.stop is None and now - self.last_hup >= DUPLICATE_WINDOW:
                self.last_hup = now
                self._forward(signo)
        elif signo in STOP_SIGNALS:
            if self.stop is None:
                self.stop = (signal.Signals(signo), now)
                self.deadline = now + self.kill_timeout + MARGIN
                self._forward(signo)
            elif now - self.stop[1] >= DUPLICATE_WINDOW:
                self.deadline = now  # asked again: do not wait any longer

    def _forward(self, signo):
        if self.child_code is None:
            try:
                os.kill(self.child.pid, signo)
            except ProcessLookupError:  # ended meanwhile, not reaped yet
                pass

    def _reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid == self.child.pid:
                self.child_code = self.child.returncode = os.waitstatus_to_exitcode(status)

    def _kill(self, left):
        killed = set()
        give_up = time.monotonic() + 10  # a process stuck in the kernel (state D) dies when it leaves it
        while left and time.monotonic() < give_up:
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                    killed.add(pid)
                except ProcessLookupError:
                    pass
            time.sleep(0.02)
            self._reap()
            left = descendants(self.me)  # workers granian forked meanwhile are re-parented to us
        time.sleep(0.02)
        self._reap()
        if self.stop is None:
            why = f"The server exited with {describe_status(self.child_code)} and left processes running"
        else:
            sig, at = self.stop
            why = f"The server had not stopped {time.monotonic() - at:.1f} s after {sig.name}"
        it = "it and " if self.child.pid in killed else ""
        what = f"{why}: killed {it}{len(killed - {self.child.pid})} other process(es) with SIGKILL"
        if left:
            what += f"; still there, stuck in the kernel: {' '.join(map(str, left))}"
        return Outcome(1, what + ".")

    def _ended(self):
        code = self.child_code if self.child_code >= 0 else 128 - self.child_code
        if self.stop is None:
            return Outcome(code, f"The server exited with {describe_status(self.child_code)}.")
        sig, at = self.stop
        stopped = f"Stopped on {sig.name} in {time.monotonic() - at:.1f} s"
        if self.child_code in (0, -sig):  # granian ends with 0, or by the signal before its handlers are set
            return Outcome(0, stopped + ".")
        return Outcome(code, f"{stopped}; the server exited with {describe_status(self.child_code)}.")


def supervise(argv, env, kill_timeout):
    """Run `argv` (granian) until it ends or a stop signal ends it; return the Outcome."""
    return Supervisor(argv, env, kill_timeout).run()
