"""When and how a source runs: claim it, fetch, parse, store, and record what happened.

A source is *claimed* for each run (`claims.py`): taken with one atomic UPDATE, checked again
when the run starts, renewed at every checkpoint while it lasts and released only by its
holder, so two workers (or a worker and `epitope ingest`) never run the same source at once.
One broken source never stops the others: every failure is caught, recorded on the source with
its reason, and the source backs off exponentially (or for as long as the server's Retry-After
asks), never longer than its own longest backoff (`max_backoff`): what a server sends can delay
a source, not switch it off.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging

from django.db.models import F, Q
from django.utils import timezone

from . import claims, fetch, pacing, parse, queries
from .claims import INTERRUPTED, QUEUED, Claim, claim, free_dead_claims, holder  # noqa: F401 - the scheduler's API
from .models import Source, SourceRun
from .pipeline import Summary, failure_reason, ingest_records
from .records import IngestError, reason_of

log = logging.getLogger("epitope.ingest")

MAX_BACKOFF = dt.timedelta(days=1)


def due_sources(now=None):
    now = now or timezone.now()
    return Source.objects.filter(active=True, next_fetch_at__lte=now).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    ).order_by("next_fetch_at", "pk")


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
    if not source.url:
        if not source.query:
            raise IngestError(f"source: {source.name} has neither a URL nor a query")
        return queries.records_for_query(source), None
    pacing.wait_turn(source.url)
    result = fetch.fetch(source.url, etag=source.etag or None, last_modified=source.last_modified or None)
    if result.not_modified or not result.ok:
        return None, result
    fmt = None if source.kind == "auto" else source.kind
    return parse.parse_items(result.body, format=fmt, content_type=result.content_type), result


def run_source(source: Source, held: Claim, now=None) -> Summary:
    """Fetch, parse and store one source under its claim; record the run and schedule the next.

    Never raises. The claim is checked when the run starts and renewed at each checkpoint; a
    run that has lost it stops, records why, and leaves the source to the run that holds it.
    """
    now = now or timezone.now()
    summary = Summary(source=source.name, source_id=source.pk)
    try:
        held.check(now)
    except claims.ClaimLost as exc:
        summary.error(str(exc))
        return summary
    # Holding the claim, this run is the only one: a run left unfinished was its holder's until
    # the lease expired (a worker on another machine killed, or one stalled: it stores no more).
    SourceRun.objects.filter(source=source, finished_at__isnull=True).update(
        finished_at=now, ok=False, reason=claims.EXPIRED)
    run = SourceRun.objects.create(source=source, started_at=now)
    retry_after = None
    ok = True
    try:
        with held.current():
            records, result = fetch_records(source)
            retry_after = getattr(result, "retry_after", None)
            if result is not None:
                result.raise_for_status()  # 429/503 and friends; their Retry-After is kept above
            if records is None:
                summary.not_modified = True
            else:
                ingest_records(source, records, summary, reraise=True, before_store=held.check)
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
        _finish(source, run, summary, ok, retry_after, now, held)
    except Exception as exc:  # noqa: BLE001 - recording the run must not stop the others either
        reason = reason_of(exc, "store")
        summary.error(reason)
        log.warning("source %s (%s): could not record its run: %s", source.pk, source.name, reason, exc_info=True)
        _back_off_anyway(source, reason, now, held)
    return summary


def _back_off_anyway(source, reason, now, held):
    """Put a source whose run could not be recorded at the back of the line, in one UPDATE."""
    try:
        Source.objects.filter(pk=source.pk, claimed_by=held.by).update(
            failure_count=F("failure_count") + 1, last_error=reason, claimed_until=None, claimed_by="",
            next_fetch_at=now + max_backoff(source.interval_minutes),
        )
    except Exception:  # noqa: BLE001 - the database itself is failing: the claim's lease frees it
        log.exception("source %s: could not back off", source.pk)


_SCHEDULE_FIELDS = ("etag", "last_modified", "last_run_at", "failure_count", "last_error", "last_success_at",
                    "retry_after_until", "next_fetch_at")


def _finish(source, run, summary, ok, retry_after, now, held):
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
    # The schedule is written, and the claim released, only by the run that still holds it: a
    # run that lost its claim leaves both to the run that took the source over.
    mine = Source.objects.filter(pk=source.pk, claimed_by=held.by).update(
        claimed_until=None, claimed_by="", **{name: getattr(source, name) for name in _SCHEDULE_FIELDS})
    if not mine:
        ok = False
        if claims.LOST not in summary.errors:
            summary.error(claims.LOST)
        source.last_error = claims.LOST
    for name in ("fetched", "new", "updated", "duplicates", "skipped", "errors", "not_modified"):
        setattr(run, name, getattr(summary, name))
    run.ok, run.finished_at = ok, finished
    run.reason = "" if ok else source.last_error
    run.save()


def run_claimed(source_id, force=False):
    """Claim a source, run it and release it; return its Summary, or None if it was taken."""
    held = claim(source_id, force=force)
    if held is None:
        return None
    try:
        source = Source.objects.get(pk=source_id)
    except Source.DoesNotExist:
        return None
    try:
        return run_source(source, held)
    finally:
        held.release()


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
