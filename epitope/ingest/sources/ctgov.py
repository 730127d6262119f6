"""ClinicalTrials.gov API v2 (JSON studies): request builder, paging, parsing.

The classic v1 API (`FullStudiesResponse`, `StudyFieldsResponse`) was retired in 2024; its
records are refused with a message that says so, rather than half-read.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

from .. import dates
from ..identifiers import canonical_nct, canonical_pmid
from ..records import IngestError, Record, read_each
from ..sanitize import clean_html, plain_text

STUDIES = "https://clinicaltrials.gov/api/v2/studies"
_V1_KEYS = ("FullStudiesResponse", "StudyFieldsResponse", "FullStudy")


def studies_url(*, term: str = "", condition: str = "", intervention: str = "", page_size: int = 100,
                page_token: str = "", updated_since: dt.date | str | None = None) -> str:  # fmt: skip
    """Return the v2 studies URL for one page of a query, most recently updated first."""
    params = {"format": "json", "pageSize": min(max(page_size, 1), 1000), "sort": "LastUpdatePostDate:desc"}
    if term:
        params["query.term"] = term
    if condition:
        params["query.cond"] = condition
    if intervention:
        params["query.intr"] = intervention
    if updated_since:
        params["filter.advanced"] = f"AREA[LastUpdatePostDate]RANGE[{updated_since},MAX]"
    if page_token:
        params["pageToken"] = page_token
    return f"{STUDIES}?{urlencode(params)}"


def next_page_token(doc: dict) -> str | None:
    """Return the token for the next page of a v2 studies response, or None at the end."""
    return doc.get("nextPageToken") or None if isinstance(doc, dict) else None


def is_ctgov(doc) -> bool:
    """Return whether a decoded JSON document is a ClinicalTrials.gov response (v2 or v1)."""
    if not isinstance(doc, dict):
        return False
    return "protocolSection" in doc or isinstance(doc.get("studies"), list) or any(k in doc for k in _V1_KEYS)


def records_from_json(doc) -> list[Record]:
    """Return one Record per study in a v2 study record or studies page."""
    if isinstance(doc, dict) and any(k in doc for k in _V1_KEYS):
        raise IngestError(
            "parser: ClinicalTrials.gov API v1 format (FullStudiesResponse) is retired and not "
            "read; fetch the study from API v2 (/api/v2/studies)"
        )
    if isinstance(doc, dict) and "protocolSection" in doc:
        studies = [doc]
    elif isinstance(doc, dict) and isinstance(doc.get("studies"), list):
        studies = doc["studies"]
    elif isinstance(doc, list):
        studies = doc
    else:
        raise IngestError("parser: not a ClinicalTrials.gov API v2 response")
    return read_each([s for s in studies if isinstance(s, dict) and "protocolSection" in s], _record)


def _date(struct) -> dt.datetime | None:
    text = struct.get("date") if isinstance(struct, dict) else struct
    parts = (text or "").split("-")
    return dates.from_parts(*parts[:3]) if parts[0] else None


def _unique(values) -> list[str]:
    seen, out = set(), []
    for value in values:
        key = value.strip().lower() if isinstance(value, str) else ""
        if key and key not in seen:
            seen.add(key)
            out.append(value.strip())
    return out


def _record(study: dict) -> Record:
    protocol = study["protocolSection"]
    ident = protocol.get("identificationModule", {})
    status = protocol.get("statusModule", {})
    design = protocol.get("designModule", {})
    conditions = protocol.get("conditionsModule", {})
    arms = protocol.get("armsInterventionsModule", {})
    sponsor = protocol.get("sponsorCollaboratorsModule", {}).get("leadSponsor", {})
    officials = protocol.get("contactsLocationsModule", {}).get("overallOfficials", [])
    references = protocol.get("referencesModule", {}).get("references", [])
    nct = canonical_nct(ident.get("nctId"))
    interventions = [i.get("name", "") for i in arms.get("interventions", [])]
    meshes = study.get("derivedSection", {}).get("conditionBrowseModule", {}).get("meshes", [])
    extra = {
        "official_title": ident.get("officialTitle", ""),
        "overall_status": status.get("overallStatus", ""),
        "phases": design.get("phases", []),
        "study_type": design.get("studyType", ""),
        "enrollment": design.get("enrollmentInfo", {}).get("count"),
        "sponsor": sponsor.get("name", ""),
        "conditions": conditions.get("conditions", []),
        "interventions": _unique(interventions),
        "condition_mesh": [m.get("term") for m in meshes if m.get("term")],
        "start_date": status.get("startDateStruct", {}).get("date", ""),
        "completion_date": status.get("completionDateStruct", {}).get("date", ""),
        "reference_pmids": [p for p in (canonical_pmid(r.get("pmid")) for r in references) if p],
        "has_results": study.get("hasResults"),
    }
    summary = protocol.get("descriptionModule", {}).get("briefSummary", "")
    return Record(
        title=plain_text(ident.get("briefTitle") or ident.get("officialTitle") or ""),
        link=f"https://clinicaltrials.gov/study/{nct}" if nct else "",
        authors=[o["name"] for o in officials if o.get("name")],
        published=_date(status.get("studyFirstPostDateStruct")),
        updated=_date(status.get("lastUpdatePostDateStruct")),
        summary=clean_html(_paragraphs(summary)),
        identifiers={"nct": nct} if nct else {},
        kind="trial",
        source_format="ctgov",
        subjects=_unique(conditions.get("conditions", []) + interventions + conditions.get("keywords", [])),
        extra={k: v for k, v in extra.items() if v not in (None, "", [])},
        raw=json.dumps(study, ensure_ascii=False),
    )


def _paragraphs(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(f"<p>{p.strip()}</p>" for p in escaped.split("\n\n") if p.strip())
