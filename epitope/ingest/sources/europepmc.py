"""Europe PMC REST search (JSON; `lite` or `core` result type) and its cursor paging.

Europe PMC mixes journal papers (source MED, PMC, …) with preprints (source PPR); a PPR record
becomes a preprint, everything else a paper.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from .. import dates
from ..identifiers import canonical_doi, canonical_pmcid, canonical_pmid
from ..records import IngestError, Record, read_each
from ..sanitize import clean_html, plain_text

SEARCH = "https://www.ebi.ac.uk/europepmc/webservices/rest/search"


def search_url(query: str, *, cursor_mark: str = "*", page_size: int = 100, result_type: str = "core",
               sort: str = "") -> str:  # fmt: skip
    """Return the search URL for one page of `query`; start with cursor_mark "*"."""
    params = {"query": query, "format": "json", "resultType": result_type,
              "pageSize": min(max(page_size, 1), 1000), "cursorMark": cursor_mark}  # fmt: skip
    if sort:
        params["sort"] = sort
    return f"{SEARCH}?{urlencode(params)}"


def next_cursor(doc: dict, current: str = "*") -> str | None:
    """Return the cursorMark of the next page, or None when this page was the last."""
    results = (doc.get("resultList") or {}).get("result") or []
    mark = doc.get("nextCursorMark")
    # The last page repeats the cursor it was asked with.
    return mark if mark and results and mark != current else None


def is_xml_root(root) -> bool:
    """Return whether a parsed XML root is a Europe PMC (XML format) response."""
    return root.tag == "responseWrapper"


def records_from_json(doc: dict) -> list[Record]:
    """Return one Record per result of a Europe PMC search response."""
    try:
        results = doc["resultList"]["result"]
    except (KeyError, TypeError):
        raise IngestError("parser: not a Europe PMC search response (no resultList)") from None
    return read_each([r for r in results if isinstance(r, dict)], _record)


def _authors(result: dict) -> list[str]:
    people = (result.get("authorList") or {}).get("author") or []
    names = []
    for person in people:
        if person.get("firstName") and person.get("lastName"):
            names.append(f"{person['firstName']} {person['lastName']}")
        elif person.get("fullName") or person.get("collectiveName"):
            names.append(person.get("fullName") or person["collectiveName"])
    if names:
        return names
    text = (result.get("authorString") or "").strip().rstrip(".")
    return [n.strip() for n in text.split(",") if n.strip()]


def _journal(result: dict) -> str:
    info = result.get("journalInfo") or {}
    return (info.get("journal") or {}).get("title") or result.get("journalTitle") or ""


def _pub_types(result: dict) -> list[str]:
    listed = (result.get("pubTypeList") or {}).get("pubType")
    if listed:
        return listed if isinstance(listed, list) else [listed]
    return [result["pubType"]] if result.get("pubType") else []


def _iso_date(text: str | None):
    parts = (text or "").split("-")
    return dates.from_parts(*parts[:3]) if parts[0] else None


def _page(result: dict) -> str:
    return f"https://europepmc.org/article/{result.get('source')}/{result['id']}" if result.get("id") else ""


def _record(result: dict) -> Record:
    preprint = result.get("source") == "PPR"
    ids = {}
    doi = canonical_doi(result.get("doi"))
    if doi:
        ids["preprint_doi" if preprint else "doi"] = doi
    if canonical_pmid(result.get("pmid")):
        ids["pmid"] = canonical_pmid(result.get("pmid"))
    if canonical_pmcid(result.get("pmcid")):
        ids["pmcid"] = canonical_pmcid(result.get("pmcid"))
    mesh = (result.get("meshHeadingList") or {}).get("meshHeading") or []
    keywords = (result.get("keywordList") or {}).get("keyword") or []
    extra = {
        "journal": _journal(result),
        "publication_types": _pub_types(result),
        "keywords": keywords,
        "europepmc_source": result.get("source", ""),
        "cited_by": result.get("citedByCount"),
    }
    return Record(
        title=plain_text(result.get("title") or ""),
        link=_page(result),
        authors=_authors(result),
        published=_iso_date(result.get("firstPublicationDate") or result.get("electronicPublicationDate"))
        or dates.from_parts(result.get("pubYear")),
        updated=_iso_date(result.get("dateOfRevision")),
        summary=clean_html(result.get("abstractText") or ""),
        identifiers=ids,
        kind="preprint" if preprint else "paper",
        source_format="europepmc",
        subjects=[m["descriptorName"] for m in mesh if m.get("descriptorName")],
        extra={k: v for k, v in extra.items() if v not in (None, "", [])},
        raw=json.dumps(result, ensure_ascii=False),
    )
