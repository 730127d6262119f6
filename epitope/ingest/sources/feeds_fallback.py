"""The tolerant path for feeds too broken for a strict XML parser: feedparser, on bytes only.

feedparser treats a `str` as a URL or a path and even a `bytes` value as a file name to try
opening first, so it only ever gets a BytesIO of bytes we already hold.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import logging

import feedparser

from ..identifiers import canonical_doi, is_preprint_doi
from ..records import IngestError, Record, read_each
from ..sanitize import clean_html, plain_text

logger = logging.getLogger("epitope.ingest")
_FORMATS = {"rss": "rss", "atom": "atom", "rss1": "rdf", "rss09": "rdf"}


def parse_tolerantly(data: bytes, content_type: str = "") -> tuple[str, str, str, list[Record]]:
    """Return (format, feed title, feed link, Records) of a malformed feed feedparser can read."""
    if b"<!ENTITY" in data:
        raise IngestError("xml: entity declarations are not allowed")
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(
        io.BytesIO(data), response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    version = parsed.get("version") or ""
    if not version or not parsed.entries:
        reason = parsed.get("bozo_exception") or "unable to detect feed format"
        raise IngestError(f"parser: {reason}")
    fmt = next((v for k, v in _FORMATS.items() if version.startswith(k)), "rss")
    logger.info("feed parsed by the tolerant fallback (%s): %s", version, parsed.get("bozo_exception"))
    feed = parsed.get("feed", {})
    title = plain_text(feed.get("title", ""))
    return fmt, title, feed.get("link", ""), read_each(parsed.entries, _record, fmt)


def _when(struct) -> dt.datetime | None:
    if not struct:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(struct), tz=dt.timezone.utc)
    except (ValueError, OverflowError, OSError):  # year 10000 once in UTC: no date
        return None


def _field(entry, key: str):
    # Plain dict access: feedparser's own .get() maps missing dates onto others, with a warning.
    return dict.get(entry, key)


def _record(entry, fmt: str) -> Record:
    link = entry.get("link", "")
    guid = entry.get("id") or link
    doi = canonical_doi(entry.get("dc_identifier") or entry.get("prism_doi") or "")
    summary = entry.get("summary") or ""
    if not summary and entry.get("content"):
        summary = entry["content"][0].get("value", "")
    authors = [a.get("name", "") for a in entry.get("authors", []) if a.get("name")]
    identifiers = {"guid": guid} if guid else {}
    if doi:
        identifiers["preprint_doi" if is_preprint_doi(doi) else "doi"] = doi
    tags = [t.get("term") for t in entry.get("tags", []) if t.get("term")]
    return Record(
        title=plain_text(entry.get("title", "")),
        link=link,
        authors=authors,
        published=_when(_field(entry, "published_parsed") or _field(entry, "updated_parsed")),
        updated=_when(_field(entry, "updated_parsed")),
        summary=clean_html(summary, base_url=link),
        identifiers=identifiers,
        kind="preprint" if is_preprint_doi(doi) else "news",
        source_format=fmt,
        extra={"categories": tags, "tolerant_parse": True} if tags else {"tolerant_parse": True},
        raw=repr(dict(entry)),
    )
