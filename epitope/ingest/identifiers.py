"""Canonical forms of the identifiers items carry: DOI, PMID, PMCID, NCT id."""

from __future__ import annotations

import re

_DOI = re.compile(r"10\.\d{4,9}/\S+", re.I)
_NCT = re.compile(r"\bNCT\d{8}\b", re.I)
_PREPRINT_PREFIXES = ("10.1101/",)  # bioRxiv and medRxiv


def canonical_doi(text: str | None) -> str:
    """Return the DOI in `text` lower-cased without any doi:/URL prefix, or ''."""
    if not text:
        return ""
    match = _DOI.search(text.strip())
    if not match:
        return ""
    return match.group(0).rstrip(".,;)").lower()


def canonical_pmid(text: str | None) -> str:
    """Return a PMID as bare digits, or ''."""
    digits = (text or "").strip()
    return digits if digits.isdigit() and digits != "0" else ""


def canonical_pmcid(text: str | None) -> str:
    """Return a PMCID as "PMC" + digits, or ''."""
    match = re.fullmatch(r"(?:PMC)?(\d+)", (text or "").strip(), re.I)
    return f"PMC{match.group(1)}" if match else ""


def canonical_nct(text: str | None) -> str:
    """Return the NCT number in `text` as "NCT" + 8 digits, or ''."""
    match = _NCT.search(text or "")
    return match.group(0).upper() if match else ""


def is_preprint_doi(doi: str) -> bool:
    """Return whether `doi` (canonical) was minted by bioRxiv/medRxiv."""
    return doi.startswith(_PREPRINT_PREFIXES)
