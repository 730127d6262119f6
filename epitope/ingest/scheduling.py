"""When and how a source runs: claim it, fetch, parse, store, and record what happened.

A source is *claimed* with one atomic UPDATE before it runs, so two workers (or a worker and
`epitope ingest`) never fetch the same source at once. One broken source never stops the
others: every failure is caught, recorded on the source with its reason, and the source backs
off exponentially (or for as long as the server's Retry-After asks).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging

from django.db.models import Q
from django.utils import timezone

from .models import Source, SourceRun
from .pipeline import Summary, ingest_records
from .records import IngestError

log = logging.getLogger("epitope.ingest")

CLAIM_LEASE = dt.timedelta(minutes=30)  # a worker killed mid-run frees its source after this
MAX_BACKOFF = dt.timedelta(days=1)


def due_sources(now=None):
    now = now or timezone.now()
    return Source.objects.filter(active=True, next_fetch_at__lte=now).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    ).order_by("next_fetch_at", "pk")


def claim(source_id, now=None, force=False) -> bool:
    """Atomically take a source for one run; return False if it is not due or someone has it."""
    now = now or timezone.now()
    qs = Source.objects.filter(pk=source_id).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    if not force:
        qs = qs.filter(active=True, next_fetch_at__lte=now)
    return qs.update(claimed_until=now + CLAIM_LEASE) == 1


def release(source_id):
    Source.objects.filter(pk=source_id).update(claimed_until=None)


def backoff(failures, interval_minutes):
    """Return how long to wait after the n-th failure in a row: one interval, doubling, capped."""
    base = dt.timedelta(minutes=max(interval_minutes, 1))
    return min(base * (2 ** max(failures - 1, 0)), MAX_BACKOFF)


def retry_after_delay(value, now):
    """Return a Retry-After (seconds, HTTP date or datetime) as a timedelta, or None."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.timedelta):
        return value
    if isinstance(value, dt.datetime):
        return max(value - now, dt.timedelta(0))
    if isinstance(value, (int, float)):
        return dt.timedelta(seconds=max(value, 0))
    text = str(value).strip()
    if text.isdigit():
        return dt.timedelta(seconds=int(text))
    try:
        return max(email.utils.parsedate_to_datetime(text) - now, dt.timedelta(0))
    except (TypeError, ValueError):
        return None


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
    return parse.parse_bytes(result.body, format=fmt, content_type=result.content_type), result


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
        reason = str(exc) if isinstance(exc, IngestError) else f"{type(exc).__name__}: {exc}"
        summary.error(reason)
        log.warning("source %s (%s) failed: %s", source.pk, source.name, reason)
    _finish(source, run, summary, ok, retry_after, now)
    return summary


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
        asked = retry_after_delay(retry_after, now)
        if asked is not None:
            source.retry_after_until = now + asked
            wait = max(wait, asked)
        source.next_fetch_at = now + wait
    source.claimed_until = None
    source.save(update_fields=["etag", "last_modified", "last_run_at", "failure_count", "last_error",
                               "last_success_at", "retry_after_until", "next_fetch_at", "claimed_until"])
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


def run_due_sources(progress=None):
    """Run every due source once, in order of lateness; return their Summaries."""
    summaries = []
    ids = list(due_sources().values_list("pk", flat=True))
    for n, source_id in enumerate(ids, 1):
        summary = run_claimed(source_id)
        if summary is not None:
            summaries.append(summary)
        if progress:
            progress(n, len(ids), summary)
    return summaries
