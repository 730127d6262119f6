"""bioRxiv / medRxiv details API (https://api.biorxiv.org): request builder, paging, parsing."""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import quote

from .. import dates
from ..identifiers import canonical_doi
from ..records import IngestError, Record, read_each
from ..sanitize import clean_html, plain_text

API = "https://api.biorxiv.org/details"
SERVERS = ("biorxiv", "medrxiv")
SITES = {"biorxiv": "https://www.biorxiv.org", "medrxiv": "https://www.medrxiv.org"}


def details_url(server: str, start: dt.date | str, end: dt.date | str, *, cursor: int = 0,
                category: str = "") -> str:  # fmt: skip
    """Return the details URL for preprints posted on `server` between `start` and `end`."""
    if server not in SERVERS:
        raise ValueError(f"server must be one of {SERVERS}")
    url = f"{API}/{server}/{start}/{end}/{int(cursor)}/json"
    if category:
        # The API spells categories with underscores: "cancer biology" -> cancer_biology.
        url += "?category=" + quote(category.strip().lower().replace(" ", "_"))
    return url


def next_cursor(doc: dict) -> int | None:
    """Return the cursor of the next page, or None when every result has been read."""
    try:
        message = doc["messages"][0]
        cursor, count, total = int(message["cursor"]), int(message["count"]), int(message["total"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return cursor + count if count and cursor + count < total else None


def records_from_json(doc: dict) -> list[Record]:
    """Return one Record per preprint version in a details API response."""
    collection = doc.get("collection")
    if not isinstance(collection, list):
        raise IngestError("parser: not a bioRxiv details response (no collection)")
    return read_each([item for item in collection if isinstance(item, dict)], _record)


def _record(item: dict) -> Record:
    doi = canonical_doi(item.get("doi"))
    server = (item.get("server") or "biorxiv").lower()
    version = str(item.get("version") or "1")
    published_doi = canonical_doi(item.get("published"))
    authors = [a.strip() for a in re.split(r";\s*", item.get("authors") or "") if a.strip()]
    extra = {
        "server": item.get("server", ""),
        "version": version,
        "category": item.get("category", ""),
        "license": item.get("license", ""),
        "type": item.get("type", ""),
        "author_corresponding": item.get("author_corresponding", ""),
        "institution": item.get("author_corresponding_institution", ""),
        "jatsxml": item.get("jatsxml", ""),
        # The journal version's DOI once the preprint is published: a clustering hint, not the
        # preprint's own identity.
        "published_doi": published_doi,
    }
    posted = (item.get("date") or "").split("-")
    return Record(
        title=plain_text(item.get("title") or ""),
        link=f"{SITES.get(server, SITES['biorxiv'])}/content/{doi}v{version}" if doi else "",
        authors=authors,
        published=dates.from_parts(*posted[:3]) if posted[0] else None,
        summary=clean_html(_paragraphs(item.get("abstract") or "")),
        identifiers={"preprint_doi": doi} if doi else {},
        kind="preprint",
        source_format="biorxiv",
        subjects=[item["category"]] if item.get("category") else [],
        extra={k: v for k, v in extra.items() if v},
        raw=json.dumps(item, ensure_ascii=False),
    )


def _paragraphs(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(f"<p>{p.strip()}</p>" for p in re.split(r"\n\s*\n", escaped) if p.strip())
