"""Detect what a document is and hand it to the adapter for its format.

`parse_bytes` is the one entry point: bytes in (fetched or read from a file, never a URL or a
path), Records out, or IngestError with a stage prefix ("parser: …", "xml: …"). An item the
adapter cannot read costs that item only: `parse_items` keeps it in place as a `Skipped`
(position and reason) for the pipeline to report; `parse_bytes` leaves it out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .encoding import to_utf8
from .records import IngestError, Record, Skipped
from .sources import biorxiv, ctgov, europepmc, feeds, feeds_fallback, feeds_recover, jsonfeed, pubmed
from .xmlsafe import UnsafeXML, parse_xml

FEED_FORMATS = ("rss", "atom", "rdf")
JSON_FORMATS = ("jsonfeed", "europepmc", "biorxiv", "ctgov")
FORMATS = FEED_FORMATS + JSON_FORMATS + ("pubmed",)
_WHITESPACE = b" \t\r\n\xef\xbb\xbf"


@dataclass
class ParsedDocument:
    format: str  # one of FORMATS
    items: list[Record | Skipped] = field(default_factory=list)  # in document order
    title: str = ""  # the feed's own title, when the format has one
    link: str = ""

    @property
    def records(self) -> list[Record]:
        return [item for item in self.items if not isinstance(item, Skipped)]

    @property
    def skipped(self) -> list[Skipped]:
        return [item for item in self.items if isinstance(item, Skipped)]


def parse_bytes(data: bytes, format: str | None = None, content_type: str = "") -> list[Record]:
    """Return the Records in `data`, detecting its format unless `format` names one."""
    return parse_document(data, format, content_type).records


def parse_items(data: bytes, format: str | None = None, content_type: str = "") -> list[Record | Skipped]:
    """Return the Records in `data` with a `Skipped` in place of each item that cannot be read."""
    return parse_document(data, format, content_type).items


def parse_document(data: bytes, format: str | None = None, content_type: str = "") -> ParsedDocument:
    """Return the detected format, feed title and Records of `data`."""
    if format and format not in FORMATS:
        raise IngestError(f"parser: unknown format {format!r} (expected one of {', '.join(FORMATS)})")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("parse_bytes takes the document's bytes, never a URL or a path")
    data = bytes(data)
    head = data[:64].lstrip(_WHITESPACE)
    if not head:
        raise IngestError("parser: empty document")
    if format in JSON_FORMATS or (format is None and head[:1] in (b"{", b"[")):
        return _parse_json(data, format)
    return _parse_xml(data, format, content_type)


def detect_json_format(doc) -> str:
    """Return which JSON format a decoded document is, raising IngestError if none we read."""
    if jsonfeed.is_jsonfeed(doc):
        return "jsonfeed"
    if isinstance(doc, dict):
        if "resultList" in doc:
            return "europepmc"
        if "collection" in doc and "messages" in doc:
            return "biorxiv"
        if ctgov.is_ctgov(doc):
            return "ctgov"
    raise IngestError("parser: unable to detect feed format")


def _parse_json(data: bytes, format: str | None) -> ParsedDocument:
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise IngestError(f"parser: invalid JSON: {exc}") from None
    except RecursionError:  # the decoder stops at the interpreter's recursion limit (~1000)
        raise IngestError("parser: JSON nested too deeply") from None
    fmt = format or detect_json_format(doc)
    if fmt == "jsonfeed":
        if not isinstance(doc, dict):
            raise IngestError("parser: a JSON Feed is a JSON object")
        return ParsedDocument(fmt, jsonfeed.records_from_json(doc), *jsonfeed.feed_info(doc))
    if fmt == "europepmc":
        return ParsedDocument(fmt, europepmc.records_from_json(doc))
    if fmt == "biorxiv":
        return ParsedDocument(fmt, biorxiv.records_from_json(doc))
    return ParsedDocument(fmt, ctgov.records_from_json(doc))


def _parse_xml(data: bytes, format: str | None, content_type: str) -> ParsedDocument:
    utf8 = to_utf8(data, content_type)
    try:
        root = parse_xml(utf8)
    except UnsafeXML as unsafe:
        harmless = feeds_recover.without_entity_declarations(utf8) if format in (None, *FEED_FORMATS) else None
        if harmless is None:
            raise
        return _parse_broken_feed(harmless, unsafe)
    except IngestError as strict_error:
        if format not in (None, *FEED_FORMATS) or pubmed.looks_like_pubmed(utf8):
            raise
        return _parse_broken_feed(utf8, strict_error)
    if pubmed.is_pubmed_root(root):
        if format not in (None, "pubmed"):
            raise IngestError(f"parser: this is PubMed XML, not {format}")
        return ParsedDocument("pubmed", pubmed.records_from_tree(root))
    if format == "pubmed":
        raise IngestError("parser: not PubMed XML (expected <PubmedArticleSet>)")
    if europepmc.is_xml_root(root):
        raise IngestError("parser: Europe PMC XML responses are not read; request format=json")
    try:
        records = feeds.records_from_tree(root)
    except IngestError as not_a_feed:
        if not feeds_recover.is_feed_root(root):
            raise
        return _parse_broken_feed(utf8, not_a_feed)
    if not records and feeds_recover.item_tags(utf8):
        # Well-formed, but its items are not spelt as a feed's (<Entry>, <Item>).
        return _parse_broken_feed(utf8, IngestError("parser: no entry read from a feed that has some"))
    return ParsedDocument(feeds.feed_format(root) or "rss", records, *feeds.feed_info(root))


def _parse_broken_feed(utf8: bytes, strict_error: IngestError) -> ParsedDocument:
    """Read a feed the strict parser refused: the recovered tree, or feedparser's reading if it
    finds more entries; an HTML page is refused by name.

    feedparser runs only when the recovered tree holds fewer entries than the bytes have item
    tags: it cannot find more than there are.
    """
    if feeds_recover.is_html_page(utf8):
        raise IngestError(f"parser: unable to detect feed format: {feeds_recover.html_page(utf8)}")
    errors, best = [str(strict_error)], None
    try:
        fmt, title, link, items = feeds_recover.parse_recovered(utf8)
        best = ParsedDocument(fmt, items, title, link)
    except UnsafeXML:
        raise
    except IngestError as exc:
        errors.append(str(exc))
    if best is None or len(best.records) < feeds_recover.item_tags(utf8):
        try:
            repaired = feeds_recover.repair(utf8)  # feedparser believes a prolog's UTF-16, and fails
            fmt, title, link, records = feeds_fallback.parse_tolerantly(repaired, "text/xml; charset=utf-8")
        except IngestError as exc:
            errors.append(str(exc))
        else:
            records = feeds_recover.readable(records)
            if best is None or len(ParsedDocument(fmt, records).records) > len(best.records):
                best = ParsedDocument(fmt, records, title, link)
    if best is None or not best.items:  # a broken feed with nothing in it is no success
        raise IngestError("; ".join(dict.fromkeys(errors)) if best is None else f"{strict_error}; parser: no entry")
    return best
