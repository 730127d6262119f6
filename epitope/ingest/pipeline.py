"""Store records once: new ones added, changed ones updated, known and deleted ones skipped.

Records are stored in small batches, each in its own transaction with the clusters it forms:
a crash or kill loses at most the batch in flight, and a rerun, finding the earlier batches
already stored, completes the rest. The unique constraint on `Item.identity` is the last word
on "once", whatever runs concurrently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import dedupe
from .models import Item, Tombstone
from .records import IngestError, Record

log = logging.getLogger("epitope.ingest")

BATCH_SIZE = 500  # a kill loses at most this many records' work; a rerun redoes it
MAX_IDENTITY = 300
MAX_ERRORS_KEPT = 20
MAX_SEEN_HASHES = 8
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
    errors: list[str] = field(default_factory=list)
    not_modified: bool = False

    def error(self, message):
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(message)

    def add(self, other):
        self.fetched += other.fetched
        self.new += other.new
        self.updated += other.updated
        self.duplicates += other.duplicates
        self.skipped += other.skipped
        for message in other.errors:
            self.error(message)

    def as_dict(self):
        return asdict(self)


def identity_of(record: Record) -> str:
    identity = record.identity()
    if len(identity) > MAX_IDENTITY:  # a long GUID: keep it unique by hashing rather than truncating
        identity = "long:" + hashlib.sha256(identity.encode()).hexdigest()
    return identity


def _iso(value):
    return value.isoformat() if isinstance(value, (dt.datetime, dt.date)) else value


def content_hash(record: Record) -> str:
    """Return a hash of what a reader sees of a record, to tell a changed item from a repeat."""
    basis = [record.title, record.link, record.authors, _iso(record.published), _iso(record.updated),
             record.summary, record.identifiers, record.kind, record.subjects, record.extra]
    return hashlib.sha256(json.dumps(basis, sort_keys=True, default=str).encode()).hexdigest()


def _aware(value):
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def _fields_of(record: Record, digest: str) -> dict:
    ids = record.identifiers or {}
    raw = record.raw.encode("utf-8", "surrogatepass") if isinstance(record.raw, str) else bytes(record.raw or b"")
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
        "extra": json.loads(json.dumps(record.extra or {}, default=str)),
        "raw": raw,
        "content_hash": digest,
    }


def ingest_records(source, records, summary: Summary | None = None, batch_size=BATCH_SIZE, progress=None,
                   reraise=False) -> Summary:
    """Store an iterable of Records from `source`; return the counts.

    `records` may be a generator (a streamed PubMed baseline file, an API's pages); it is
    consumed in batches. An `IngestError` raised while iterating stops the input, not what was
    stored before it: it is noted in the summary, and raised again once that is stored if
    `reraise` (so a scheduled run counts as failed and backs off).
    """
    summary = summary or Summary(source=getattr(source, "name", ""), source_id=getattr(source, "pk", None))
    iterator, batch, done, failure = iter(records), [], False, None
    while not done:
        try:
            batch.append(next(iterator))
        except StopIteration:
            done = True
        except IngestError as exc:  # keep what came before the broken part
            failure, done = exc, True
        if batch and (done or len(batch) >= batch_size):
            summary.fetched += len(batch)
            _store_batch(source, batch, summary)
            batch = []
            if progress:
                progress(summary)
    if failure is not None:
        if reraise:
            raise failure
        summary.error(str(failure))
    return summary


def _store_batch(source, records, summary):
    prepared = {}  # identity -> (record, hash); the last copy of a repeated identity wins
    for record in records:
        try:
            identity = identity_of(record)
            digest = content_hash(record)
        except Exception as exc:  # a malformed record must not sink its batch
            summary.error(f"record: {exc}")
            continue
        if identity in prepared:
            summary.duplicates += 1
        prepared[identity] = (record, digest)
    try:
        with transaction.atomic():
            _write(source, prepared, summary)
    except IntegrityError:
        # Someone else stored one of these identities since we looked: go one by one.
        log.info("batch raced another writer; storing one record at a time")
        for identity, pair in prepared.items():
            try:
                with transaction.atomic():
                    _write(source, {identity: pair}, summary)
            except IntegrityError:
                summary.duplicates += 1


def _classify(items):
    """Tag new and changed items (bulk writes fire no signals), in the batch's transaction so a
    crash cannot leave them stored but untagged; a tagging failure must not lose the batch."""
    from django.apps import apps

    if not items or not apps.is_installed("epitope.classify"):
        return
    from epitope.classify.store import store_classifications

    try:
        with transaction.atomic():
            store_classifications(items)
    except Exception:
        log.exception("classify: could not tag %d items; they are stored untagged", len(items))


def _write(source, prepared, summary):
    identities = list(prepared)
    dead = set(Tombstone.objects.filter(identity__in=identities).values_list("identity", flat=True))
    existing = {
        item.identity: item
        for item in Item.objects.filter(identity__in=identities).only("pk", "identity", "source_id", "seen_hashes")
    }
    new_items, changed = [], []
    counts = {"new": 0, "updated": 0, "duplicates": 0, "skipped": 0}
    for identity, (record, digest) in prepared.items():
        if identity in dead:
            counts["skipped"] += 1
        elif identity in existing:
            item = existing[identity]
            mine = item.source_id is None or item.source_id == getattr(source, "pk", None)
            if digest in item.seen_hashes or not mine:  # a repeat, or another source's copy
                counts["duplicates"] += 1
            else:
                for name, value in _fields_of(record, digest).items():
                    setattr(item, name, value)
                item.seen_hashes = [*item.seen_hashes, digest][-MAX_SEEN_HASHES:]
                changed.append(item)
                counts["updated"] += 1
        else:
            new_items.append(Item(source=source if getattr(source, "pk", None) else None, identity=identity,
                                  seen_hashes=[digest], **_fields_of(record, digest)))
            counts["new"] += 1
    for item in changed:  # few per run; one UPDATE each beats bulk_update's CASE per column
        Item.objects.filter(pk=item.pk).update(updated_at=timezone.now(), **{name: getattr(item, name) for name in _FIELDS})
    if new_items:
        plan = dedupe.assign_clusters(new_items)
        created = Item.objects.bulk_create(new_items, batch_size=500)
        if any(item.pk is None for item in created):  # backends that cannot return ids
            by_identity = dict(Item.objects.filter(identity__in=[i.identity for i in created]).values_list("identity", "pk"))
            for item in created:
                item.pk = by_identity[item.identity]
        dedupe.store_keys(created, plan)
        changed += created
    _classify(changed)
    # Counted only once the batch is written: a batch retried one by one is not counted twice.
    for name, value in counts.items():
        setattr(summary, name, getattr(summary, name) + value)
