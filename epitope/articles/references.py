"""Turn a reference identifier (DOI, PMID, NCT id) into the link a reader follows."""

import re

KINDS = (("doi", "DOI"), ("pmid", "PubMed"), ("nct", "ClinicalTrials.gov"), ("url", "Link"))

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_PMID = re.compile(r"^\d{1,9}$")
_NCT = re.compile(r"^NCT\d{8}$")


def normalise(kind, identifier):
    """Return the identifier in canonical form, or raise ValueError saying what is wrong."""
    value = identifier.strip()
    if kind == "doi":
        value = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", value, flags=re.I)
        if not _DOI.match(value):
            raise ValueError(f"{identifier!r} is not a DOI (expected 10.xxxx/…).")
        return value
    if kind == "pmid":
        value = re.sub(r"^pmid:\s*", "", value, flags=re.I)
        if not _PMID.match(value):
            raise ValueError(f"{identifier!r} is not a PubMed id (digits only).")
        return value
    if kind == "nct":
        value = value.upper()
        if not _NCT.match(value):
            raise ValueError(f"{identifier!r} is not a ClinicalTrials.gov id (NCT and 8 digits).")
        return value
    if kind == "url":
        if not re.match(r"^https?://", value):
            raise ValueError(f"{identifier!r} is not an http(s) link.")
        return value
    raise ValueError(f"Unknown reference kind {kind!r}.")


def link_for(kind, identifier):
    if kind == "doi":
        return f"https://doi.org/{identifier}"
    if kind == "pmid":
        return f"https://pubmed.ncbi.nlm.nih.gov/{identifier}/"
    if kind == "nct":
        return f"https://clinicaltrials.gov/study/{identifier}"
    return identifier
