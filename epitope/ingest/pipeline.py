"""Store records once: new ones added, changed ones updated, known and deleted ones skipped.

Records are stored in small batches, each in its own transaction with the clusters it forms:
a crash or kill loses at most the batch in flight, and a rerun, finding the earlier batches
already stored, completes the rest. The unique constraint on `Item.identity` is the last word
on "once", whatever runs concurrently: new items go in with INSERT … ON CONFLICT (identity)
DO NOTHING, so one another writer stored since our lookup counts as a duplicate, not an error.

Isolation by record: an item its adapter could not read arrives as a `Skipped` and is counted
and reported ("parser: item N: …"); a date no item can have (`dates.outside_window`) is dropped
with a note; a batch the database refuses is stored again one record at a time, so only the
record it cannot store is lost ("store: item N: …"). A run's summary counts them as `rejected`.

Each batch costs a fixed handful of statements whatever its size (`storage/`: plain SQL, no
model instance per item): one lookup of stored identities and tombstones, one of cluster keys,
one multi-row INSERT of items, one executemany each for keys, cluster counts and updates.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field

from django.apps import apps
from django.db import DatabaseError, DataError, IntegrityError, transaction
from django.utils import timezone

from . import clusters, dates, dedupe
from .models import Cluster, Item
from .records import IngestError, Record, Skipped, reason_of
from .storage import items as item_rows

log = logging.getLogger("epitope.ingest")

BATCH_SIZE = 500  # a kill loses at most this many records' work; a rerun redoes it
MAX_IDENTITY = 300
MAX_ERRORS_KEPT = 20
MAX_SEEN_HASHES = 8
MAX_RAW_BYTES = 1024 * 1024  # an item's payload kept for audit; longer ones are cut
# What one record's values can make the database or its adapters refuse. Connection and lock
# errors (OperationalError) are not among them: those stop the run, to be retried whole.
_RECORD_FAULTS = (DataError, ValueError, TypeError, OverflowError, RecursionError)
_FIELDS = ["title", "link", "authors", "published", "updated", "summary", "identifiers", "doi", "pmid",
           "nct", "kind", "source_format", "subjects", "extra", "raw", "content_hash", "seen_hashes"]


@dataclass
class Summary:
    """What one run (of a source, or of files) did; printed by `epitope ingest --json`."""

    source: str = ""
    source_id: int | None = None
    fetched: int = 0
    new: int = 0
    updated: int = 0
    duplicates: int = 0
    skipped: int = 0  # deleted by an editor, so not brought back
    rejected: int = 0  # records that could not be read or stored, each reported in `errors`
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was dropped from a stored record, and why
    not_modified: bool = False

    def error(self, message):
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(message)

    def reject(self, position, reason):
        """Count a record that could not be read or stored; report where and why."""
        self.rejected += 1
        stage, _, why = reason.partition(": ")
        self.error(f"{stage}: item {position}: {why}" if why else f"item {position}: {reason}")

    def note(self, message):
        if len(self.notes) < MAX_ERRORS_KEPT:
            self.notes.append(message)

    def add(self, other):
        self.fetched += other.fetched
        self.new += other.new
        self.updated += other.updated
        self.duplicates += other.duplicates
        self.skipped += other.skipped
        self.rejected += other.rejected
        for message in other.errors:
            self.error(message)
        for message in other.notes:
            self.note(message)

    def as_dict(self):
        return asdict(self)


def failure_reason(exc: BaseException) -> str:
    """Return the one line an operator gets for a failure of a whole run: `store:` for the
    database's, `parser:` for anything else unforeseen, the error's own prefix when it has one."""
    return reason_of(exc, "store" if isinstance(exc, DatabaseError) else "parser")


def identity_of(record: Record) -> str:
    identity = record.identity()
    if len(identity) > MAX_IDENTITY:  # a long GUID: keep it unique by hashing rather than truncating
        identity = "long:" + hashlib.sha256(identity.encode()).hexdigest()
    return identity


def _iso(value):
    return value.isoformat() if isinstance(value, (dt.datetime, dt.date)) else value


# json.dumps(basis, sort_keys=True, default=str), without building an encoder per call: the
# same text, so the same hashes as every stored item's.
_HASH_BASIS = json.JSONEncoder(sort_keys=True, default=str).encode


def content_hash(record: Record) -> str:
    """Return a hash of what a reader sees of a record, to tell a changed item from a repeat."""
    basis = [record.title, record.link, record.authors, _iso(record.published), _iso(record.updated),
             record.summary, record.identifiers, record.kind, record.subjects, record.extra]
    return hashlib.sha256(_HASH_BASIS(basis).encode()).hexdigest()


def _aware(value):
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def _fields_of(record: Record, digest: str) -> dict:
    ids = record.identifiers or {}
    raw = record.raw.encode("utf-8", "surrogatepass") if isinstance(record.raw, str) else bytes(record.raw or b"")
    raw = raw[:MAX_RAW_BYTES]
    return {
        "title": record.title or "(untitled)",
        "link": record.link or "",
        "authors": list(record.authors or []),
        "published": _aware(record.published),
        "updated": _aware(record.updated),
        "summary": record.summary or "",
        "identifiers": dict(ids),
        "doi": (ids.get("doi") or ids.get("preprint_doi") or "")[:255],
        "pmid": (ids.get("pmid") or "")[:20],
        "nct": (ids.get("nct") or "")[:20],
        "kind": record.kind or "news",
        "source_format": record.source_format or "",
        "subjects": list(record.subjects or []),
        "extra": json.loads(json.dumps(record.extra, default=str)) if record.extra else {},
        "raw": raw,
        "content_hash": digest,
    }


def ingest_records(source, records, summary: Summary | None = None, batch_size=BATCH_SIZE, progress=None,
                   reraise=False, before_store=None) -> Summary:
    """Store an iterable of Records from `source`; return the counts.

    `records` may be a generator (a streamed PubMed baseline file, an API's pages); it is
    consumed in batches. A `Skipped` among them is counted and reported, not stored. An
    `IngestError` raised while iterating stops the input, not what was stored before it: it is
    noted in the summary, and raised again once that is stored if `reraise` (so a scheduled
    run counts as failed and backs off). `before_store()` is called before each batch is stored
    (a scheduled run renews its claim there, and stops if it has lost it).
    """
    summary = summary or Summary(source=getattr(source, "name", ""), source_id=getattr(source, "pk", None))
    iterator, batch, done, failure, position = iter(records), [], False, None, 0
    now = timezone.now()
    while not done:
        try:
            record = next(iterator)
        except StopIteration:
            done = True
        except IngestError as exc:  # keep what came before the broken part
            failure, done = exc, True
        else:
            position += 1
            if isinstance(record, Skipped):
                summary.fetched += 1
                summary.reject(position, record.reason)
            else:
                _drop_impossible_dates(record, position, summary, now)
                batch.append((position, record))
        if batch and (done or len(batch) >= batch_size):
            summary.fetched += len(batch)
            if before_store is not None:
                before_store()
            _store_batch(source, batch, summary)
            batch = []
            if progress:
                progress(summary)
    if failure is not None:
        if reraise:
            raise failure
        summary.error(str(failure))
    return summary


def _drop_impossible_dates(record, position, summary, now):
    """Drop a date no item can have (`dates.outside_window`), noting it on the item and the run."""
    for name in ("published", "updated"):
        value = getattr(record, name)
        why = dates.outside_window(value, now)
        if why is None:
            continue
        setattr(record, name, None)
        shown = value.isoformat() if isinstance(value, dt.datetime) else repr(value)[:40]
        extra = dict(record.extra) if isinstance(record.extra, dict) else {}
        extra["dropped_dates"] = {**extra.get("dropped_dates", {}), name: shown}
        record.extra = extra
        summary.note(f"parser: item {position}: {name} date {shown} dropped ({why})")


def _store_batch(source, records, summary):
    prepared = {}  # identity -> (position, record, hash); the last copy of a repeated identity wins
    for position, record in records:
        try:
            identity = identity_of(record)
            digest = content_hash(record)
        except Exception as exc:  # noqa: BLE001 - a malformed record must not sink its batch
            summary.reject(position, reason_of(exc, "store"))
            continue
        if identity in prepared:
            summary.duplicates += 1
        prepared[identity] = (position, record, digest)
    try:
        with transaction.atomic():
            _write(source, prepared, summary)
    except (IntegrityError, *_RECORD_FAULTS) as exc:
        # Someone else stored one of these identities since we looked, or one record holds a
        # value the database refuses: go one by one, so only that record is lost.
        log.info("batch not stored whole (%s); storing one record at a time", type(exc).__name__)
        for identity, entry in prepared.items():
            try:
                with transaction.atomic():
                    _write(source, {identity: entry}, summary)
            except IntegrityError:
                summary.duplicates += 1
            except _RECORD_FAULTS as exc:
                summary.reject(entry[0], reason_of(exc, "store"))


_CLASSIFIED = ("id", "identity", "source_id", "cluster_id", "title", "summary", "subjects", "extra", "kind")


@functools.cache
def _item_layout():
    """Return, per concrete field of Item in order, (row key, None) for the fields `_classify`
    sets and (None, default) for the others: an `Item(*values)` is a third of the cost of
    `Item(**fields)`, which looks every field up by name. A callable default (a JSON field's
    list or dict) is called per item, as the keyword form does."""
    layout = []
    for field in Item._meta.concrete_fields:
        if field.attname in _CLASSIFIED:
            layout.append((field.attname, None))
        else:
            default = field.get_default()
            immutable = default is None or isinstance(default, (str, bytes, int, float))
            layout.append((None, default if immutable else field.get_default))
    return tuple(layout)


def _item(row, layout):
    return Item(*[row[name] if name is not None else default() if callable(default) else default
                  for name, default in layout])


def _classify(rows, fresh=()):
    """Tag new and changed items (bulk writes fire no signals), in the batch's transaction so a
    crash cannot leave them stored but untagged; a tagging failure must not lose the batch.

    `fresh` holds the ids of the rows this transaction inserted (nothing is stored for them yet).
    """
    if not rows or not apps.is_installed("epitope.classify"):
        return
    from epitope.classify.store import store_ingested  # classify is optional: its models need its app


    layout = _item_layout()
    items = [_item(row, layout) for row in rows]
    try:
        with transaction.atomic():
            store_ingested(items, fresh)
    except Exception:
        log.exception("classify: could not tag %d items; they are stored untagged", len(items))


def _write(source, prepared, summary):
    source_id = getattr(source, "pk", None)
    existing, dead = item_rows.known(list(prepared))
    now = timezone.now()
    new_rows, plans, changed, fresh = [], [], [], ()
    counts = {"new": 0, "updated": 0, "duplicates": 0, "skipped": 0}
    for identity, (_position, record, digest) in prepared.items():
        if identity in dead:
            counts["skipped"] += 1
        elif identity in existing:
            pk, owner, cluster_id, seen = existing[identity]
            if digest in seen or not (owner is None or owner == source_id):  # a repeat, or another source's copy
                counts["duplicates"] += 1
            else:
                row = _fields_of(record, digest)
                row.update(id=pk, identity=identity, source_id=owner, cluster_id=cluster_id, updated_at=now,
                           seen_hashes=[*seen, digest][-MAX_SEEN_HASHES:])
                changed.append(row)
                counts["updated"] += 1
        else:
            row = _fields_of(record, digest)
            row.update(identity=identity, source_id=source_id, seen_hashes=[digest], created_at=now, updated_at=now)
            new_rows.append(row)
            plans.append(dedupe.plan_keys(row["title"], row["summary"], row["link"], row["identifiers"]))
    item_rows.update(changed, [*_FIELDS, "updated_at"], now)
    if new_rows:
        keys, grown, merged = clusters.assign_clusters(new_rows, plans, now)
        clusters.grow_clusters(grown, source_id, now)  # before the insert: "a new source?" asks stored items
        written = item_rows.insert(new_rows, now)
        holder = {row["cluster_id"]: written[row["identity"]] for row in new_rows if row["identity"] in written}
        # A row that raced hands the keys it was to hold for its story to a row that was written.
        clusters.store_keys([(written.get(row["identity"]) or holder.get(row["cluster_id"]), row_keys)
                             for row, row_keys in zip(new_rows, keys)
                             if row["identity"] in written or row["cluster_id"] in holder])
        clusters.refresh_clusters(merged)
        raced = [row for row in new_rows if row["identity"] not in written]
        if raced:  # another writer stored these since we looked: theirs stand, ours were repeats
            counts["new"] -= len(raced)
            counts["duplicates"] += len(raced)
            lost = {row["cluster_id"] for row in raced}
            clusters.refresh_clusters(lost)
            Cluster.objects.filter(pk__in=lost, size=0).delete()
        for row in new_rows:
            row["id"] = written.get(row["identity"])
        fresh = [row for row in new_rows if row["id"] is not None]
        changed += fresh
        counts["new"] += len(new_rows)
    _classify(changed, {row["id"] for row in fresh})
    # Counted only once the batch is written: a batch retried one by one is not counted twice.
    for name, value in counts.items():
        setattr(summary, name, getattr(summary, name) + value)
