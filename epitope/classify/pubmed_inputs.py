"""What the classifier reads from a PubMed record element, without building its Record.

`epitope classify` reads baseline files of 30,000 records; building a full Record (authors,
dates, sanitised HTML abstract, the raw XML kept for audit) costs more than classifying it.
`pubmed_inputs` walks the element once for the few elements classification needs and returns
the same (title, text, subjects) as `record_inputs(record_from_article(element))` — the tests
hold the two equal over every PubMed fixture — plus every identifier the record carries.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from lxml import etree

from epitope.ingest.identifiers import canonical_doi, canonical_nct, canonical_pmcid, canonical_pmid
from epitope.ingest.sanitize import clean_html, plain_text as clean_text
from epitope.ingest.sources.pubmed import _inner_html, record_parts

from .inputs import plain_text

_WANTED = ("PMID", "ArticleTitle", "VernacularTitle", "AbstractText", "DescriptorName", "Keyword",
           "PublicationType", "ArticleId", "ELocationID", "AccessionNumber")
_OWN_PARENTS = ("MedlineCitation", "Article", "BookDocument")


@dataclass
class PubmedInputs:
    title: str
    text: str
    subjects: list[str]
    identifiers: dict[str, str] = field(default_factory=dict)  # pmid, doi, pmcid, nct


def _t(el: etree._Element) -> str:
    if len(el):
        return " ".join("".join(el.itertext()).split())
    return " ".join((el.text or "").split())


def _abstract_part(el: etree._Element) -> str:
    """Return one AbstractText as the classifier's plain text (label first), as the Record path does."""
    label = el.get("Label")
    if label:
        label = label.capitalize() if label.isupper() else label
    if len(el):
        # Inline markup (<i>, <sup>, MathML): take the Record path exactly, through the sanitiser.
        body = _inner_html(el)
        if label:
            body = f"<strong>{html.escape(label)}:</strong> {body}"
        return plain_text(clean_html(f"<p>{body}</p>"))
    text = el.text or ""
    return f"{label}: {text}" if label else text


def pubmed_inputs(node: etree._Element) -> PubmedInputs:
    """Return title, plain-text abstract, subjects and identifiers of one PubMed record element."""
    citation, article, data = record_parts(node)
    title = vernacular = ""
    parts: list[str] = []
    mesh: list[str] = []
    keywords: list[str] = []
    types: list[str] = []
    ids: dict[str, str] = {}
    elocation_doi = nct = ""
    for el in citation.iter(_WANTED):
        tag = el.tag
        parent = el.getparent()
        ptag = parent.tag
        if tag == "DescriptorName":
            if ptag == "MeshHeading":
                mesh.append(_t(el))
        elif tag == "AbstractText":
            if ptag == "Abstract" and parent.getparent() is article:
                parts.append(_abstract_part(el))
        elif tag == "Keyword":
            if ptag == "KeywordList" and parent.getparent() is citation:
                text = _t(el)
                if text:
                    keywords.append(text)
        elif tag == "PublicationType":
            if ptag == "PublicationTypeList" or (ptag == "BookDocument" and parent is article):
                types.append(_t(el))
        elif parent is article or parent is citation:
            if tag == "PMID":
                if "pmid" not in ids and parent is citation:
                    ids["pmid"] = canonical_pmid(el.text)
            elif tag == "ArticleTitle":
                title = title or _t(el)
            elif tag == "VernacularTitle":
                vernacular = vernacular or _t(el)
            elif tag == "ELocationID" and not elocation_doi and el.get("EIdType") == "doi":
                elocation_doi = canonical_doi(el.text)
        elif tag == "AccessionNumber" and not nct:
            nct = canonical_nct(el.text)  # DataBankList: ClinicalTrials.gov registrations
    for el in data.iterfind("ArticleIdList/ArticleId") if data is not None else ():
        kind = el.get("IdType")
        if kind == "doi" and not ids.get("doi"):
            ids["doi"] = canonical_doi(el.text)
        elif kind == "pmc" and not ids.get("pmcid"):
            ids["pmcid"] = canonical_pmcid(el.text)
    if not ids.get("doi") and elocation_doi:
        ids["doi"] = elocation_doi
    title = clean_text(title) or clean_text(vernacular)
    if not title and citation is article and citation.find("Book") is not None:
        title = clean_text(_t(citation.find("Book/BookTitle")))
    text = " ".join(" ".join(parts).split())
    if not nct and ("NCT" in text or "NCT" in title):  # "Trial registration: NCT…"
        nct = canonical_nct(title) or canonical_nct(text)
    if nct:
        ids["nct"] = nct
    return PubmedInputs(title, text, [*mesh, *keywords, *types], {k: v for k, v in ids.items() if v})
