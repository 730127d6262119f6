"""When and how a source runs: claim it, fetch, parse, store, and record what happened.

A source is *claimed* with one atomic UPDATE before it runs, so two workers (or a worker and
`epitope ingest`) never fetch the same source at once. The claim names its holder (host, boot,
process id and start time): a run killed outright (`kill -9`, out of memory, power loss) cannot
release it, so the next start on that machine frees a claim whose process is gone rather than
waiting out the lease, which remains for holders it cannot check (another machine, the queue).
One broken source never stops the others: every failure is caught, recorded on the source with
its reason, and the source backs off exponentially (or for as long as the server's Retry-After
asks), never longer than its own longest backoff (`max_backoff`): what a server sends can delay
a source, not switch it off.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import os
import socket

from django.db.models import F, Q
from django.utils import timezone

from .models import Source, SourceRun
from .pipeline import Summary, failure_reason, ingest_records
from .records import IngestError, reason_of

log = logging.getLogger("epitope.ingest")

CLAIM_LEASE = dt.timedelta(minutes=30)  # a claim no one can check (`free_dead_claims`) ends after this
MAX_BACKOFF = dt.timedelta(days=1)
QUEUED = "queued"  # claimed for a queued task: no process holds it yet
INTERRUPTED = "run: interrupted (the process running it ended before the run finished)"


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


def holder(pid=None):
    """Return the claim holder's name of process `pid` (this one by default)."""
    pid = pid or os.getpid()
    return f"{socket.gethostname()[:200]} {_boot_id()} {pid} {_start_time(pid) or '-'}"


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
        if Source.objects.filter(pk=source_id, claimed_by=name).update(claimed_until=None, claimed_by="") == 1:
            SourceRun.objects.filter(source_id=source_id, finished_at__isnull=True).update(
                finished_at=now, ok=False, reason=INTERRUPTED)
            log.warning("source %s: freed the claim of a run that ended without finishing (%s)", source_id, name)
            freed.append(source_id)
    return freed


def due_sources(now=None):
    now = now or timezone.now()
    return Source.objects.filter(active=True, next_fetch_at__lte=now).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    ).order_by("next_fetch_at", "pk")


def claim(source_id, now=None, force=False, by=None) -> bool:
    """Atomically take a source for one run; return False if it is not due or someone has it.

    `by` names the holder: this process unless given (`QUEUED` for a task yet to run).
    """
    now = now or timezone.now()
    qs = Source.objects.filter(pk=source_id).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    if not force:
        qs = qs.filter(active=True, next_fetch_at__lte=now)
    return qs.update(claimed_until=now + CLAIM_LEASE, claimed_by=by or holder()) == 1


def adopt(source_id, now=None):
    """Make this process the holder of a source claimed for it (a queued task starting its run)."""
    now = now or timezone.now()
    Source.objects.filter(pk=source_id).update(claimed_until=now + CLAIM_LEASE, claimed_by=holder())


def release(source_id):
    Source.objects.filter(pk=source_id).update(claimed_until=None, claimed_by="")


def max_backoff(interval_minutes):
    """Return the longest a source with this interval waits after failures: a day, or its interval."""
    return max(MAX_BACKOFF, dt.timedelta(minutes=max(interval_minutes, 1)))


def backoff(failures, interval_minutes):
    """Return how long to wait after the n-th failure in a row: one interval, doubling, capped."""
    base = dt.timedelta(minutes=max(interval_minutes, 1))
    # The exponent is capped too: timedelta overflows long before 2 ** failures does.
    return min(base * (2 ** min(max(failures - 1, 0), 20)), MAX_BACKOFF)


def retry_after_delay(value, now, cap=MAX_BACKOFF):
    """Return a Retry-After (seconds, HTTP date or datetime) as a timedelta of at most `cap`, or None."""
    if value in (None, ""):
        return None
    try:
        if isinstance(value, dt.timedelta):
            delay = value
        elif isinstance(value, dt.datetime):
            delay = value - now
        elif isinstance(value, (int, float)):
            delay = dt.timedelta(seconds=min(value, cap.total_seconds()))
        else:
            text = str(value).strip()
            if text.isascii() and text.isdigit():
                delay = dt.timedelta(seconds=min(float(text), cap.total_seconds()))
            else:
                delay = email.utils.parsedate_to_datetime(text) - now
    except (TypeError, ValueError, OverflowError):  # NaN, an unreadable date
        return None
    return min(max(delay, dt.timedelta(0)), cap)


def fetch_records(source: Source):
    """Return (records, fetch result) for a source; records is None when the server said 304.

    A feed (or any source with a URL) is one conditional GET; a query source pages through its
    API (`queries.py`) and has no single response to return.
    """
    from . import fetch, parse, queries

    if not source.url:
        if not source.query:
            raise IngestError(f"source: {source.name} has neither a URL nor a query")
        return queries.records_for_query(source), None
    result = fetch.fetch(source.url, etag=source.etag or None, last_modified=source.last_modified or None)
    if result.not_modified or not result.ok:
        return None, result
    fmt = None if source.kind == "auto" else source.kind
    return parse.parse_items(result.body, format=fmt, content_type=result.content_type), result


def run_source(source: Source, now=None) -> Summary:
    """Fetch, parse and store one source; record the run and schedule the next. Never raises."""
    now = now or timezone.now()
    summary = Summary(source=source.name, source_id=source.pk)
    run = SourceRun.objects.create(source=source, started_at=now)
    retry_after = None
    ok = True
    try:
        records, result = fetch_records(source)
        retry_after = getattr(result, "retry_after", None)
        if result is not None:
            result.raise_for_status()  # 429/503 and friends; their Retry-After is kept above
        if records is None:
            summary.not_modified = True
        else:
            ingest_records(source, records, summary, reraise=True)
        if result is not None and not summary.not_modified:
            source.etag = (getattr(result, "etag", "") or "")[:500]
            source.last_modified = (getattr(result, "last_modified", "") or "")[:100]
    except Exception as exc:  # noqa: BLE001 - one broken source must not stop the others
        ok = False
        retry_after = getattr(exc, "retry_after", retry_after)
        reason = failure_reason(exc)
        summary.error(reason)
        log.warning("source %s (%s) failed: %s", source.pk, source.name, reason)
    try:
        _finish(source, run, summary, ok, retry_after, now)
    except Exception as exc:  # noqa: BLE001 - recording the run must not stop the others either
        reason = reason_of(exc, "store")
        summary.error(reason)
        log.warning("source %s (%s): could not record its run: %s", source.pk, source.name, reason, exc_info=True)
        _back_off_anyway(source, reason, now)
    return summary


def _back_off_anyway(source, reason, now):
    """Put a source whose run could not be recorded at the back of the line, in one UPDATE."""
    try:
        Source.objects.filter(pk=source.pk).update(
            failure_count=F("failure_count") + 1, last_error=reason, claimed_until=None,
            next_fetch_at=now + max_backoff(source.interval_minutes),
        )
    except Exception:  # noqa: BLE001 - the database itself is failing: the claim's lease frees it
        log.exception("source %s: could not back off", source.pk)


def _finish(source, run, summary, ok, retry_after, now):
    finished = timezone.now()
    source.last_run_at = finished
    if ok:
        source.failure_count = 0
        source.last_error = ""
        source.last_success_at = finished
        source.retry_after_until = None
        source.next_fetch_at = now + dt.timedelta(minutes=max(source.interval_minutes, 1))
    else:
        source.failure_count += 1
        source.last_error = summary.errors[-1] if summary.errors else "unknown error"
        wait = backoff(source.failure_count, source.interval_minutes)
        asked = retry_after_delay(retry_after, now, max_backoff(source.interval_minutes))
        if asked is not None:
            source.retry_after_until = now + asked
            wait = max(wait, asked)
        source.next_fetch_at = now + wait
    source.claimed_until, source.claimed_by = None, ""
    source.save(update_fields=["etag", "last_modified", "last_run_at", "failure_count", "last_error",
                               "last_success_at", "retry_after_until", "next_fetch_at", "claimed_until",
                               "claimed_by"])
    for name in ("fetched", "new", "updated", "duplicates", "skipped", "errors", "not_modified"):
        setattr(run, name, getattr(summary, name))
    run.ok, run.finished_at = ok, finished
    run.reason = "" if ok else source.last_error
    run.save()


def run_claimed(source_id, force=False):
    """Claim a source, run it and release it; return its Summary, or None if it was taken."""
    if not claim(source_id, force=force):
        return None
    try:
        source = Source.objects.get(pk=source_id)
    except Source.DoesNotExist:
        return None
    try:
        return run_source(source)
    finally:
        release(source_id)


def run_isolated(source_id, force=False):
    """Return run_claimed's Summary, or one that reports why the run itself broke."""
    try:
        return run_claimed(source_id, force=force)
    except Exception as exc:  # noqa: BLE001 - a failure inside one source's run never stops the others
        log.warning("source %s: run failed: %s", source_id, exc, exc_info=True)
        summary = Summary(source=f"source {source_id}", source_id=source_id)
        summary.error(failure_reason(exc))
        return summary


def run_due_sources(progress=None):
    """Run every due source once, in order of lateness; return their Summaries."""
    summaries = []
    free_dead_claims()
    ids = list(due_sources().values_list("pk", flat=True))
    for n, source_id in enumerate(ids, 1):
        summary = run_isolated(source_id)
        if summary is not None:
            summaries.append(summary)
        if progress:
            progress(n, len(ids), summary)
    return summaries
