"""Import local files (feeds, API responses saved to disk, PubMed baseline files).

Every size is bounded once decompressed (`limits.py`), and whatever goes wrong with one file
is a line in its summary with the stage's prefix, never a traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import connection
from django.utils import timezone

from . import limits, parse
from .models import Source, SourceRun
from .pipeline import Summary, failure_reason, ingest_records
from .sources import pubmed

log = logging.getLogger("epitope.ingest")
DEFAULT_SOURCE = "Imported files"
FORMAT_KINDS = {"rdf": "rss"}


def file_source(name=None, format=None) -> Source:
    """Return the source imported items are filed under, creating it paused (it has no URL)."""
    kind = FORMAT_KINDS.get(format, format) if format else "auto"
    source, _ = Source.objects.get_or_create(name=name or DEFAULT_SOURCE, defaults={"kind": kind, "active": False})
    return source


def _is_pubmed(path: Path, format):
    if format:
        return format == "pubmed"
    with limits.open_stream(path) as stream:
        head = stream.read(4096)
    return pubmed.looks_like_pubmed(head)  # MedlineCitationSet and lone records too


def records_of(path, format=None):
    """Return the Records of a file: streamed for PubMed XML (baseline files are huge), else parsed whole."""
    path = Path(path)
    if _is_pubmed(path, format):
        return pubmed.iter_pubmed_file(path)
    return parse.parse_items(limits.read_document(path), format=format)


RECONNECT_RECORDS = 5000  # records stored between two reconnections of SQLite (see Reconnect)


class Reconnect:
    """Drop the SQLite connection once every RECONNECT_RECORDS records stored, across files.

    Over a baseline file's tens of thousands of records RSS creeps with per-connection memory,
    most likely Python sqlite3's cache of up to 128 prepared statements, which fills because a
    batch's SQL differs with its size (IN lists of its identities and band keys, one VALUES group
    per new item). bench/pubmed_baseline_memory.py, 400 MB file: peak 249 -> 230 MB, creep over
    16.5k records 61 -> 48 MB (malloc_trim after each batch: no change); every 5,000 records
    rather than every 500: peak 192 -> 214 MB, a sawtooth without creep. Counted in records, not
    files: closing the last connection to a WAL database checkpoints it and syncs the file, and
    the next write starts a new log, which cost an import of 200 small feeds more than parsing
    them when it happened after every file (bench/ingest_cli.py). Never inside a caller's
    transaction (tests, an atomic block).
    """

    def __init__(self, every=None):
        self.every = every or RECONNECT_RECORDS
        self.stored = 0

    def after(self, fetched):
        """Count `fetched` more records stored; reconnect if due."""
        self.stored += fetched
        if self.stored >= self.every and connection.vendor == "sqlite" and not connection.in_atomic_block:
            connection.close()
            self.stored = 0


def _after_batch(progress, reconnect):
    """Report progress after each stored batch, reconnecting first when due."""
    done = [0]

    def after(summary):
        reconnect.after(summary.fetched - done[0])
        done[0] = summary.fetched
        if progress:
            progress(summary)
    return after


def ingest_file(path, format=None, source=None, progress=None, reconnect=None) -> Summary:
    """Store the Records of one file under `source`; errors are reported in the Summary.

    The file's SourceRun is written once, when the file is done (started_at kept from the
    start): one statement per file instead of an INSERT before and an UPDATE after. Pass one
    `Reconnect` for all the files of a command, so reconnections follow records, not files.
    """
    source = source or file_source(format=format)
    summary = Summary(source=source.name, source_id=source.pk)
    started_at = timezone.now()
    try:
        ingest_records(source, records_of(path, format), summary,
                       progress=_after_batch(progress, reconnect or Reconnect()))
    except Exception as exc:  # noqa: BLE001 - the operator gets a line, never a traceback
        if not isinstance(exc, OSError):
            log.debug("file %s failed", path, exc_info=True)
        reason = f"file: {exc.strerror or exc}" if isinstance(exc, OSError) else failure_reason(exc)
        summary.error(f"{reason} ({path})")
    SourceRun.objects.create(
        source=source, reason=f"file: {path}", started_at=started_at, finished_at=timezone.now(),
        ok=not summary.errors, **{name: getattr(summary, name)
                                  for name in ("fetched", "new", "updated", "duplicates", "skipped", "errors")})
    return summary
