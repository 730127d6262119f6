"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) into Records."""

from __future__ import annotations

import json

from ..dates import parse_date
from ..identifiers import canonical_doi, is_preprint_doi
from ..records import IngestError, Record, read_each
from ..sanitize import clean_html, plain_text


def is_jsonfeed(doc) -> bool:
    """Return whether a decoded JSON document is a JSON Feed."""
    return isinstance(doc, dict) and str(doc.get("version", "")).startswith("https://jsonfeed.org/version/")


def feed_info(doc: dict) -> tuple[str, str]:
    """Return the feed's own (title, home page)."""
    return plain_text(str(doc.get("title") or "")), str(doc.get("home_page_url") or "")


def records_from_json(doc: dict) -> list[Record]:
    """Return one Record per item of a JSON Feed document."""
    items = doc.get("items")
    if not isinstance(items, list):
        raise IngestError("parser: JSON Feed without an items list")
    feed_authors = _authors(doc)
    return read_each([item for item in items if isinstance(item, dict)], _record, feed_authors)


def _authors(obj: dict) -> list[str]:
    people = obj.get("authors") or ([obj["author"]] if isinstance(obj.get("author"), dict) else [])
    return [p["name"].strip() for p in people if isinstance(p, dict) and isinstance(p.get("name"), str) and p["name"]]


def _record(item: dict, feed_authors: list[str]) -> Record:
    link = str(item.get("url") or item.get("external_url") or "")
    guid = str(item.get("id") or link)
    summary = item.get("summary") or item.get("content_html") or ""
    if not summary and item.get("content_text"):
        summary = _escape(item["content_text"])
    external = str(item.get("external_url") or "")
    doi = canonical_doi(external) if "doi.org/" in external else ""
    identifiers = {"guid": guid} if guid else {}
    if doi:
        identifiers["preprint_doi" if is_preprint_doi(doi) else "doi"] = doi
    tags = [str(t) for t in item.get("tags", []) if t] if isinstance(item.get("tags"), list) else []
    return Record(
        title=plain_text(str(item.get("title") or "")),
        link=link,
        authors=_authors(item) or feed_authors,
        published=parse_date(item.get("date_published")),
        updated=parse_date(item.get("date_modified")),
        summary=clean_html(str(summary), base_url=link),
        identifiers=identifiers,
        kind="preprint" if is_preprint_doi(doi) else "news",
        source_format="jsonfeed",
        extra={"categories": tags} if tags else {},
        raw=json.dumps(item, ensure_ascii=False),
    )


def _escape(text: str) -> str:
    return "<p>" + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</p>"
