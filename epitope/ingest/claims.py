"""Who may run a source now: one claim per run, taken, checked, renewed and released atomically.

A claim is the pair (`claimed_by`, `claimed_until`) on the source's row. Its holder's name is
unique to one run — host, boot, process id, process start time and a random token — so every
step is a compare-and-set on that name, never a blind write:

- taken with one UPDATE … WHERE the claim is free or its lease has passed (`claim`);
- a queued task's claim (`queued <token>`) passes to the process that runs it only if the
  claim still names that task (`adopt`): a task that waited longer than the lease, and whose
  source another worker has taken since, does not run;
- renewed (the lease starts again) at each checkpoint of the run — before every request a
  query source sends and before every batch is stored — and the renewal checks the claim is
  still this run's: a run that lost it (it stalled past its lease and another worker took the
  source) raises `ClaimLost`, stores nothing more and records why;
- released only by its holder (UPDATE … WHERE claimed_by = this run).

A run killed outright (`kill -9`, out of memory, power loss) cannot release its claim, so the
next start on that machine frees a claim whose process is gone (`free_dead_claims`) rather than
waiting out the lease, which remains for holders it cannot check (another machine, the queue).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging
import os
import socket
import uuid

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import Source, SourceRun
from .records import IngestError

log = logging.getLogger("epitope.ingest")

DEFAULT_LEASE_SECONDS = 30 * 60
QUEUED = "queued"  # the prefix of a claim taken for a queued task: no process holds it yet
INTERRUPTED = "run: interrupted (the process running it ended before the run finished)"
EXPIRED = "run: interrupted (its claim expired before the run finished: the process ended or stalled)"
LOST = "claim: another worker took this source over while the run lasted; the run stopped storing"

# The claim of the run in progress in this thread, for the fetches deep inside a query source's
# pages (`queries.py`), which would otherwise each need it passed down through every adapter.
_current: contextvars.ContextVar[Claim | None] = contextvars.ContextVar("epitope_claim", default=None)


class ClaimLost(IngestError):
    """This run no longer holds its source: another worker has it now."""


def lease() -> dt.timedelta:
    """Return how long a claim lasts unless renewed (EPITOPE_INGEST_CLAIM_SECONDS, default 30 min).

    It must outlast the longest step between two checkpoints: one fetch (60 s at most) or one
    batch stored.
    """
    return dt.timedelta(seconds=float(getattr(settings, "EPITOPE_INGEST_CLAIM_SECONDS", DEFAULT_LEASE_SECONDS)))


def _boot_id():
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            return f.read().strip()[:8]
    except OSError:
        return "-"


def _start_time(pid):
    """Return a process's start time (clock ticks since boot) as text, "-" where /proc is absent,
    None if the process has ended: with the pid it tells a process from a later one reusing it."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rpartition(b")")[2].split()
        return None if fields[0] == b"Z" else fields[19].decode()  # a zombie has ended too
    except FileNotFoundError:
        return None if os.path.isdir("/proc/self") else "-"
    except (OSError, IndexError):
        return "-"


def _token():
    return uuid.uuid4().hex[:12]


def holder(pid=None):
    """Return a new claim holder's name for one run of process `pid` (this one by default)."""
    pid = pid or os.getpid()
    return f"{socket.gethostname()[:200]} {_boot_id()} {pid} {_start_time(pid) or '-'} {_token()}"


def queued_holder():
    """Return a new holder's name for a claim taken for a task not yet running."""
    return f"{QUEUED} {_token()}"


def _has_ended(name):
    """Return whether the process a holder's name describes has certainly ended."""
    host, boot, pid, start = (name.split(" ") + ["", "", "", ""])[:4]
    if host != socket.gethostname()[:200] or not pid.isdigit():
        return False  # another machine's, or the queue's: only the lease can tell
    if boot != _boot_id():
        return True  # the machine has restarted since
    now_start = _start_time(int(pid))
    if now_start is None:
        return True
    if now_start != "-" and start != "-":
        return now_start != start  # the pid now belongs to a later process
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Claim:
    """One run's hold on one source, named `by`."""

    def __init__(self, source_id, by):
        self.source_id, self.by = source_id, by

    def __repr__(self):
        return f"Claim(source={self.source_id}, by={self.by!r})"

    def _mine(self):
        return Source.objects.filter(pk=self.source_id, claimed_by=self.by)

    def renew(self, now=None) -> bool:
        """Start the lease again if the claim is still this run's; return whether it is."""
        now = now or timezone.now()
        return self._mine().update(claimed_until=now + lease()) == 1

    def check(self, now=None) -> None:
        """Renew the claim, or raise ClaimLost: the checkpoint before a run fetches or stores."""
        if not self.renew(now):
            log.warning("source %s: claim lost (%s); the run stops", self.source_id, self.by)
            raise ClaimLost(LOST)

    def release(self) -> bool:
        """Free the source if this run still holds it; return whether it did."""
        return self._mine().update(claimed_until=None, claimed_by="") == 1

    @contextlib.contextmanager
    def current(self):
        """Make this the claim `checkpoint()` checks while the block runs."""
        reset = _current.set(self)
        try:
            yield self
        finally:
            _current.reset(reset)


def checkpoint() -> None:
    """Renew the current run's claim, or raise ClaimLost; nothing outside a claimed run."""
    claim_ = _current.get()
    if claim_ is not None:
        claim_.check()


def claim(source_id, now=None, force=False, by=None) -> Claim | None:
    """Atomically take a source for one run; return the Claim, or None if it is not due or taken.

    `by` names the holder: a new run of this process unless given (`queued_holder()` for a task
    yet to run).
    """
    now = now or timezone.now()
    by = by or holder()
    qs = Source.objects.filter(pk=source_id).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    if not force:
        qs = qs.filter(active=True, next_fetch_at__lte=now)
    return Claim(source_id, by) if qs.update(claimed_until=now + lease(), claimed_by=by) == 1 else None


def adopt(source_id, queued_by, now=None) -> Claim | None:
    """Pass a queued task's claim to this process's run; None if the claim is no longer the task's."""
    now = now or timezone.now()
    by = holder()
    taken = Source.objects.filter(pk=source_id, claimed_by=queued_by).update(
        claimed_until=now + lease(), claimed_by=by)
    return Claim(source_id, by) if taken == 1 else None


def free_dead_claims(now=None):
    """Release the claims of this machine's processes that have ended; return the source ids.

    Their unfinished runs are closed as interrupted, so the run log says what happened.
    """
    now = now or timezone.now()
    host = socket.gethostname()[:200] + " "
    freed = []
    held = Source.objects.filter(claimed_until__gte=now, claimed_by__startswith=host)
    for source_id, name in held.values_list("pk", "claimed_by"):
        if not _has_ended(name):
            continue
        # Only if the claim is still that process's: a live run may have taken it meanwhile.
        if Claim(source_id, name).release():
            SourceRun.objects.filter(source_id=source_id, finished_at__isnull=True).update(
                finished_at=now, ok=False, reason=INTERRUPTED)
            log.warning("source %s: freed the claim of a run that ended without finishing (%s)", source_id, name)
            freed.append(source_id)
    return freed
