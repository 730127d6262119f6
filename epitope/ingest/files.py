"""Import local files (feeds, API responses saved to disk, PubMed baseline files).

Every size is bounded once decompressed (`limits.py`), and whatever goes wrong with one file
is a line in its summary with the stage's prefix, never a traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import connection
from django.utils import timezone

from . import limits
from .models import Source, SourceRun
from .pipeline import Summary, failure_reason, ingest_records

log = logging.getLogger("epitope.ingest")
DEFAULT_SOURCE = "Imported files"
FORMAT_KINDS = {"rdf": "rss"}


def file_source(name=None, format=None) -> Source:
    """Return the source imported items are filed under, creating it paused (it has no URL)."""
    kind = FORMAT_KINDS.get(format, format) if format else "auto"
    source, _ = Source.objects.get_or_create(name=name or DEFAULT_SOURCE, defaults={"kind": kind, "active": False})
    return source


def _is_pubmed(path: Path, format):
    from .sources import pubmed

    if format:
        return format == "pubmed"
    with limits.open_stream(path) as stream:
        head = stream.read(4096)
    return pubmed.looks_like_pubmed(head)  # MedlineCitationSet and lone records too


def records_of(path, format=None):
    """Return the Records of a file: streamed for PubMed XML (baseline files are huge), else parsed whole."""
    from . import parse
    from .sources import pubmed

    path = Path(path)
    if _is_pubmed(path, format):
        return pubmed.iter_pubmed_file(path)
    return parse.parse_items(limits.read_document(path), format=format)


def _after_batch(progress):
    """Report progress after each stored batch, dropping the SQLite connection first.

    Over a baseline file's tens of thousands of records RSS creeps with per-connection memory,
    most likely Python sqlite3's cache of up to 128 prepared statements, which fills because a
    batch's SQL differs with its size (IN lists of its identities and band keys, one VALUES group
    per new item). bench/pubmed_baseline_memory.py, 400 MB file: peak 249 -> 230 MB, creep over
    16.5k records 61 -> 48 MB (malloc_trim after each batch: no change). Reconnecting costs a few
    PRAGMAs per 500 records. Never inside a caller's transaction (tests, an atomic block).
    """
    def after(summary):
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            connection.close()
        if progress:
            progress(summary)
    return after


def ingest_file(path, format=None, source=None, progress=None) -> Summary:
    """Store the Records of one file under `source`; errors are reported in the Summary."""
    source = source or file_source(format=format)
    summary = Summary(source=source.name, source_id=source.pk)
    run = SourceRun.objects.create(source=source, reason=f"file: {path}")
    try:
        ingest_records(source, records_of(path, format), summary, progress=_after_batch(progress))
    except Exception as exc:  # noqa: BLE001 - the operator gets a line, never a traceback
        if not isinstance(exc, OSError):
            log.debug("file %s failed", path, exc_info=True)
        reason = f"file: {exc.strerror or exc}" if isinstance(exc, OSError) else failure_reason(exc)
        summary.error(f"{reason} ({path})")
    for name in ("fetched", "new", "updated", "duplicates", "skipped", "errors"):
        setattr(run, name, getattr(summary, name))
    run.ok = not summary.errors
    run.finished_at = timezone.now()
    run.save()
    return summary
