"""PubMed: E-utilities request builders, efetch XML and MEDLINE/PubMed baseline files.

efetch responses and the bulk baseline/update files share one format (`PubmedArticleSet` of
`PubmedArticle` and `PubmedBookArticle`); MEDLINE files before 2017 are a `MedlineCitationSet`
of bare `MedlineCitation` records. Small responses are parsed whole by `parse.py`; baseline
files (~30k records, 200+ MB unpacked) are streamed by `iter_pubmed_file` (pubmed_stream).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Iterator
from urllib.parse import urlencode

from lxml import etree

from .. import dates, limits
from ..identifiers import canonical_doi, canonical_pmcid, canonical_pmid
from ..records import IngestError, Record, Skipped, read_each, reason_of
from ..sanitize import clean_html, plain_text
from . import pubmed_stream

EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
TOOL = "epitope"
_ROOTS = {root.decode() for root in pubmed_stream.LAYOUTS}
RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle", "MedlineCitation")


# --- request builders ------------------------------------------------------------------------


def esearch_url(
    term: str, *, api_key: str = "", retmax: int = 200, retstart: int = 0, mindate: str = "",
    maxdate: str = "", datetype: str = "edat", email: str = "", usehistory: bool = False, base: str = EUTILS,
) -> str:  # fmt: skip
    """Return the esearch URL listing PMIDs for `term` (JSON), newest first."""
    params = {"db": "pubmed", "term": term, "retmode": "json", "retmax": retmax, "retstart": retstart,
              "sort": "pub_date", "tool": TOOL}  # fmt: skip
    if mindate or maxdate:
        params.update(datetype=datetype, mindate=mindate or "1800/01/01", maxdate=maxdate or "3000")
    if usehistory:
        params["usehistory"] = "y"
    return _with_identity(base + "esearch.fcgi", params, api_key, email)


def efetch_url(pmids: list[str], *, api_key: str = "", email: str = "", base: str = EUTILS) -> str:
    """Return the efetch URL for the full XML records of `pmids` (up to 200 per request)."""
    if not pmids:
        raise ValueError("efetch needs at least one PMID")
    params = {"db": "pubmed", "id": ",".join(pmids), "retmode": "xml", "tool": TOOL}
    return _with_identity(base + "efetch.fcgi", params, api_key, email)


def _with_identity(base: str, params: dict, api_key: str, email: str) -> str:
    if api_key:
        params["api_key"] = api_key
    if email:
        params["email"] = email
    return f"{base}?{urlencode(params)}"


def esearch_ids(data: bytes) -> tuple[list[str], int]:
    """Return (PMIDs, total hit count) from an esearch JSON response."""
    try:
        result = json.loads(data)["esearchresult"]
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise IngestError(f"parser: not an esearch JSON response ({exc})") from None
    if "ERROR" in result:
        raise IngestError(f"parser: esearch error: {result['ERROR']}")
    return [i for i in result.get("idlist", []) if canonical_pmid(i)], int(result.get("count", 0))


# --- parsing ---------------------------------------------------------------------------------


def is_pubmed_root(root: etree._Element) -> bool:
    """Return whether a parsed root element is a PubMed article set."""
    return root.tag in _ROOTS


def looks_like_pubmed(data: bytes) -> bool:
    """Return whether raw bytes announce PubMed XML (used before a tolerant re-parse)."""
    return pubmed_stream.sniff(data[:4096]) is not None


def records_from_tree(root: etree._Element) -> list[Record]:
    """Return one Record per article, book article or bare citation in an efetch / baseline document."""
    if root.tag in RECORD_TAGS:
        return [record_from_article(root)]
    tag = "MedlineCitation" if root.tag == "MedlineCitationSet" else ("PubmedArticle", "PubmedBookArticle")
    return read_each(root.iterchildren(tag), record_from_article)


def iter_pubmed_file(path: str | Path) -> Iterator[Record]:
    """Yield the Records of a (gzipped) PubMed/MEDLINE file, one record at a time.

    A record that cannot be read is yielded as a `Skipped`; the stream is bounded by
    `limits.open_stream` (in all, and between two records). A file holding no record at all
    raises IngestError: a baseline file never does, so an empty one is the wrong file or a
    layout not read.
    """
    count = 0
    with limits.open_stream(path) as stream:
        for count, item in enumerate(pubmed_stream.iter_records(stream), 1):
            stream.mark()
            if isinstance(item, pubmed_stream.UnreadableRecord):
                yield Skipped(item.position, str(item))
                continue
            if isinstance(item, IngestError):
                raise item
            try:
                record = record_from_article(item)
            except Exception as exc:  # noqa: BLE001 - one unreadable record costs that record only
                record = Skipped(count, reason_of(exc))
            yield record
    if not count:
        raise IngestError("parser: no PubmedArticle, PubmedBookArticle or MedlineCitation record in the file")


def _t(el: etree._Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _inner_html(el: etree._Element) -> str:
    # AbstractText may hold <i>, <sup>, <b>; keep them, the sanitiser decides what stays.
    parts = [html.escape(el.text or "", quote=False)]
    for child in el:
        parts.append(etree.tostring(child, encoding="unicode", with_tail=True))
    return "".join(parts).strip()


def _abstract(article: etree._Element | None) -> str:
    if article is None:
        return ""
    paragraphs = []
    for part in article.iterfind("Abstract/AbstractText"):
        label = part.get("Label")
        body = _inner_html(part)
        if label:
            body = f"<strong>{html.escape(label.capitalize() if label.isupper() else label)}:</strong> {body}"
        paragraphs.append(f"<p>{body}</p>")
    return clean_html("".join(paragraphs))


def _authors(article: etree._Element | None) -> list[str]:
    names = []
    if article is None:
        return names
    for author in article.iterfind("AuthorList/Author"):
        if author.get("ValidYN") == "N":
            continue
        last, fore = _t(author.find("LastName")), _t(author.find("ForeName")) or _t(author.find("Initials"))
        name = f"{fore} {last}".strip() if last else _t(author.find("CollectiveName"))
        if name:
            names.append(name)
    return names


def _date(el: etree._Element | None):
    if el is None:
        return None
    return dates.from_parts(el.findtext("Year"), el.findtext("Month"), el.findtext("Day"))


def _pub_date_text(pub_date: etree._Element | None) -> str:
    if pub_date is None:
        return ""
    medline = pub_date.findtext("MedlineDate")
    if medline:
        return medline.strip()
    parts = [pub_date.findtext(p) for p in ("Year", "Season", "Month", "Day")]
    return " ".join(p.strip() for p in parts if p)


def record_parts(node: etree._Element):
    """Return (citation, article, data) of a record in any layout: the element holding its PMID,
    the one holding title and abstract, and the one holding its own ArticleIdList (or None)."""
    if node.tag == "PubmedBookArticle":
        citation = node.find("BookDocument")
        if citation is None:
            raise IngestError("parser: PubmedBookArticle without BookDocument")
        return citation, citation, node.find("PubmedBookData")
    if node.tag == "MedlineCitation":  # MedlineCitationSet (before 2017): no PubmedData
        return node, node.find("Article"), None
    citation = node.find("MedlineCitation")
    if citation is None:
        raise IngestError(f"parser: {node.tag} without MedlineCitation")
    return citation, citation.find("Article"), node.find("PubmedData")


def record_from_article(node: etree._Element) -> Record:
    """Return the Record for one <PubmedArticle>, <PubmedBookArticle> or bare <MedlineCitation>."""
    citation, article, data = record_parts(node)
    book = citation.find("Book") if citation is article else None
    pmid = canonical_pmid(citation.findtext("PMID"))
    ids = {"pmid": pmid} if pmid else {}
    for article_id in data.iterfind("ArticleIdList/ArticleId") if data is not None else ():
        kind, value = article_id.get("IdType"), (article_id.text or "")
        if kind == "doi" and canonical_doi(value):
            ids.setdefault("doi", canonical_doi(value))
        elif kind == "pmc" and canonical_pmcid(value):
            ids.setdefault("pmcid", canonical_pmcid(value))
    if "doi" not in ids and article is not None:
        for location in article.iterfind("ELocationID[@EIdType='doi']"):
            if canonical_doi(location.text):
                ids["doi"] = canonical_doi(location.text)
                break
    journal = article.find("Journal") if article is not None else None
    pub_date = journal.find("JournalIssue/PubDate") if journal is not None else None
    if book is not None:  # a book chapter: the book stands for the journal
        journal, pub_date = book, book.find("PubDate")
    published = _date(article.find("ArticleDate" if book is None else "ContributionDate")
                      if article is not None else None)
    published = published or _date(pub_date) or _year_of(pub_date)
    types = "PublicationType" if book is not None else "Article/PublicationTypeList/*"
    extra = {
        "journal": _t(journal.find("Title" if book is None else "BookTitle")) if journal is not None else "",
        "journal_abbrev": _t(journal.find("ISOAbbreviation")) if journal is not None else "",
        "pub_date": _pub_date_text(pub_date),
        "publication_types": [_t(p) for p in citation.iterfind(types)],
        "keywords": [_t(k) for k in citation.iterfind("KeywordList/Keyword") if _t(k)],
    }
    title = plain_text(_t(article.find("ArticleTitle")) if article is not None else "")
    if not title and article is not None:
        title = plain_text(_t(article.find("VernacularTitle")))
    if not title and book is not None:
        title = plain_text(_t(book.find("BookTitle")))
    return Record(
        title=title,
        link=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else "",
        authors=_authors(article),
        published=published,
        updated=_date(citation.find("DateRevised")),
        summary=_abstract(article),
        identifiers=ids,
        kind="paper",
        source_format="pubmed",
        subjects=[_t(d) for d in citation.iterfind("MeshHeadingList/MeshHeading/DescriptorName")],
        extra={k: v for k, v in extra.items() if v},
        raw=etree.tostring(node, encoding="utf-8"),
    )


def _year_of(pub_date: etree._Element | None):
    # MedlineDate such as "1998 Dec-1999 Jan": the first year is the one PubMed shows first.
    text = _pub_date_text(pub_date)
    return dates.from_parts(text[:4]) if text[:4].isdigit() else None
