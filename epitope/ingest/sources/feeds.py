"""RSS 2.0, RSS 1.0/RDF (and 0.9) and Atom feeds, read from an lxml tree into Records.

This is the fast path. `parse.py` hands us a tree that `xmlsafe` already parsed; a feed too
broken for a strict XML parser goes to `feeds_fallback` (feedparser) instead.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree

from ..dates import parse_date
from ..identifiers import canonical_doi, is_preprint_doi
from ..records import IngestError, Record, read_each
from ..sanitize import clean_html, plain_text

ATOM = "http://www.w3.org/2005/Atom"
ATOM03 = "http://purl.org/atom/ns#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RSS1 = "http://purl.org/rss/1.0/"
RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
PRISM = ("http://purl.org/rss/1.0/modules/prism/", "http://prismstandard.org/namespaces/basic/2.0/")
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_RDF_ABOUT = f"{{{RDF}}}about"
_PLAIN_NS = ("", RSS1, RSS090)  # the namespaces an RSS element name may come in
_PREPRINT_HOSTS = ("biorxiv.org", "medrxiv.org")
_EMAIL_NAME = re.compile(r"^\s*\S+@\S+\s*\((.+)\)\s*$")


def feed_format(root: etree._Element) -> str | None:
    """Return "rss", "rdf" or "atom" for a feed's root element, or None if it is none of them."""
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag in (f"{{{ATOM}}}feed", f"{{{ATOM03}}}feed", "feed"):
        return "atom"
    if tag == f"{{{RDF}}}RDF":
        return "rdf"
    if tag.rpartition("}")[2] == "rss":
        return "rss"
    return None


def feed_info(root: etree._Element) -> tuple[str, str]:
    """Return the feed's own (title, link)."""
    fmt = feed_format(root)
    if fmt == "atom":
        ns = _split(root.tag)[0]
        title = next((c for c in root if _split(c.tag) == (ns, "title")), None)
        link = next((c.get("href", "") for c in root if _split(c.tag) == (ns, "link")
                     and c.get("rel", "alternate") == "alternate"), "")  # fmt: skip
        return plain_text(_atom_text(title)), link.strip()
    channel = _first(root, "channel")
    if channel is None:
        return "", ""
    return plain_text(_text(_first(channel, "title"))), _text(_first(channel, "link"))


def records_from_tree(root: etree._Element, deep: bool = False) -> list[Record]:
    """Return one Record per item/entry of a parsed RSS, RDF or Atom feed.

    `deep` (a tree recovered from a broken document) takes items wherever they ended up, as a
    missing end tag nests the next item inside the last, and an RSS without its <channel>.
    """
    fmt = feed_format(root)
    if fmt == "atom":
        return _atom_records(root, deep)
    if fmt == "rdf":
        channel = _first(root, "channel")
        return _rss_records(root, channel, "rdf", deep)
    if fmt == "rss":
        channel = _first(root, "channel")
        if channel is None and not deep:
            raise IngestError("parser: RSS document has no <channel>")
        return _rss_records(root if channel is None else channel, channel, "rss", deep)
    if is_html(root):
        raise IngestError(f"parser: unable to detect feed format: {html_page(root)}")
    raise IngestError("parser: unable to detect feed format")


def is_html(root: etree._Element) -> bool:
    """Return whether a document's root element is an HTML page's."""
    return _split(root.tag)[1].lower() == "html"


def html_page(root: etree._Element) -> str:
    """Return the error's words for an HTML page served where a feed should be."""
    title = next((el for el in root.iter() if _split(el.tag)[1].lower() == "title"), None)
    name = plain_text(_text(title))[:120]
    return f'this is an HTML page ("{name}"), not a feed' if name else "this is an HTML page, not a feed"


_SPLIT_CACHE: dict[str, tuple[str, str]] = {}


def _split(tag) -> tuple[str, str]:
    """Return (namespace, local name) of an element tag; comments and PIs get ("#", "")."""
    try:
        return _SPLIT_CACHE[tag]
    except (KeyError, TypeError):
        pass
    if not isinstance(tag, str):
        return "#", ""
    if tag[0] == "{":
        ns, _, local = tag[1:].partition("}")
        parts = (ns, local)
    else:
        parts = ("", tag)
    if len(_SPLIT_CACHE) < 4096:  # feeds use a few dozen names; don't let odd ones grow it
        _SPLIT_CACHE[tag] = parts
    return parts


def _first(parent: etree._Element, local: str) -> etree._Element | None:
    for child in parent:
        ns, name = _split(child.tag)
        if name == local and ns in _PLAIN_NS:
            return child
    return None


def _text(el: etree._Element | None) -> str:
    if el is None:
        return ""
    return (el.text or "").strip() if len(el) == 0 else "".join(el.itertext()).strip()


def _is_preprint_feed(channel: etree._Element | None) -> bool:
    if channel is None:
        return False
    for child in channel:
        ns, name = _split(child.tag)
        if name == "publicationName" and ns in PRISM:
            return _text(child).lower() in ("biorxiv", "medrxiv")
        if name == "link" and ns in _PLAIN_NS:
            host = urlsplit(_text(child)).hostname or ""
            if host.endswith(_PREPRINT_HOSTS):
                return True
    return False


def _rss_records(container, channel, fmt: str, deep: bool = False) -> list[Record]:
    preprint_feed = _is_preprint_feed(channel)
    base = _text(_first(channel, "link")) if channel is not None else ""
    found = container.iter() if deep else container
    items = [item for item in found if _split(item.tag)[1] == "item" and _split(item.tag)[0] in _PLAIN_NS]
    return read_each(items, _rss_item, fmt, preprint_feed, base)


def _rss_item(item: etree._Element, fmt: str, preprint_feed: bool, base: str) -> Record:
    title = link = guid = description = content = author = doi = ""
    dates: dict[str, str] = {}
    creators: list[str] = []
    categories: list[str] = []
    for child in item:
        ns, name = _split(child.tag)
        if ns in _PLAIN_NS:
            if name == "title":
                title = _text(child)
            elif name == "link":
                link = _text(child)
            elif name == "guid":
                guid = _text(child)
            elif name == "description":
                description = _text(child)
            elif name == "pubDate":
                dates.setdefault("published", _text(child))
            elif name == "author":
                author = _text(child)
            elif name == "category":
                categories.append(_text(child))
        elif ns == DC:
            if name == "creator":
                creators.append(_text(child))
            elif name == "date":
                dates.setdefault("published", _text(child))
            elif name == "title" and not title:
                title = _text(child)
            elif name == "identifier":
                doi = doi or canonical_doi(_text(child))
            elif name == "subject":
                categories.append(_text(child))
            elif name == "description" and not description:
                description = _text(child)
        elif ns == CONTENT and name == "encoded":
            content = _text(child)
        elif ns in PRISM:
            if name == "doi":
                doi = doi or canonical_doi(_text(child))
            elif name == "publicationDate":
                dates.setdefault("published", _text(child))
        elif ns == ATOM:
            if name == "link" and not link and child.get("rel", "alternate") == "alternate":
                link = child.get("href", "").strip()
            elif name == "updated":
                dates["updated"] = _text(child)
        elif ns == DCTERMS and name == "modified":
            dates["updated"] = _text(child)
    link = _char_refs(link)
    if link and base and not link.startswith(("http://", "https://")):
        link = urljoin(base, link)
    guid = guid or item.get(_RDF_ABOUT, "").strip() or link
    preprint = preprint_feed or is_preprint_doi(doi)
    authors = _rss_authors(creators, author, preprint)
    return _record(
        title=title, link=link, guid=guid, authors=authors, dates=dates, doi=doi,
        summary_html=description or content, categories=categories, fmt=fmt,
        kind="preprint" if preprint else "news", raw=item,
    )  # fmt: skip


def _rss_authors(creators: list[str], author: str, preprint: bool) -> list[str]:
    names: list[str] = []
    for creator in creators:
        if preprint:
            # bioRxiv packs every author into one dc:creator: "LAPALU, N., SIMON, A., Lu, A."
            names.extend(part.strip() for part in re.split(r"(?<=\.),\s+", creator) if part.strip())
        else:
            names.extend(part.strip() for part in creator.split(";") if part.strip())
    if not names and author:
        match = _EMAIL_NAME.match(author)
        names.append(match.group(1).strip() if match else author)
    return names


_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));")


def _char_refs(link: str) -> str:
    """Return a link with character references read, as a browser reads an href: a link written
    `javascript&#58;…` is the javascript: scheme, not a relative path to resolve against the feed."""
    if "&#" not in link:
        return link
    return _CHAR_REF.sub(lambda m: _char(int(m[1], 16) if m[1] else int(m[2])), link)


def _char(code: int) -> str:
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def _atom_text(el: etree._Element | None) -> str:
    """Return an Atom text construct as HTML (xhtml serialised, text escaped)."""
    if el is None:
        return ""
    kind = el.get("type", "text")
    if kind == "xhtml":
        div = el[0] if len(el) else el
        inner = [div.text or ""] + [etree.tostring(c, encoding="unicode", with_tail=True) for c in div]
        return "".join(inner).strip()
    text = _text(el)
    if kind in ("html", "text/html"):
        return text
    return _escape(text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _atom_records(root: etree._Element, deep: bool = False) -> list[Record]:
    ns = _split(root.tag)[0]
    base = root.get(_XML_BASE, "")
    for child in root:
        cns, name = _split(child.tag)
        if cns == ns and name == "link" and child.get("rel", "alternate") == "alternate":
            base = urljoin(base, child.get("href", ""))
            break
    if deep:
        entries = root.iter(f"{{{ns}}}entry" if ns else "entry")
    else:
        entries = (entry for entry in root if _split(entry.tag) == (ns, "entry"))
    return read_each(list(entries), _atom_entry, ns, base)


def _atom_entry(entry: etree._Element, ns: str, base: str) -> Record:
    title_html = link = guid = summary = content = doi = ""
    dates: dict[str, str] = {}
    authors: list[str] = []
    categories: list[str] = []
    base = urljoin(base, entry.get(_XML_BASE, "")) if entry.get(_XML_BASE) else base
    for child in entry:
        cns, name = _split(child.tag)
        if cns == ns:
            if name == "title":
                title_html = _atom_text(child)
            elif name == "link":
                if child.get("rel", "alternate") == "alternate" and not link:
                    link = urljoin(base, _char_refs(child.get("href", "").strip()))
            elif name == "id":
                guid = _text(child)
            elif name in ("published", "issued"):
                dates["published"] = _text(child)
            elif name in ("updated", "modified"):
                dates["updated"] = _text(child)
            elif name == "author":
                person = next((c for c in child if _split(c.tag)[1] == "name"), None)
                if _text(person):
                    authors.append(_text(person))
            elif name == "summary":
                summary = _atom_text(child)
            elif name == "content":
                content = _atom_text(child)
            elif name == "category" and child.get("term"):
                categories.append(child.get("term").strip())
        elif cns == DC and name == "identifier":
            doi = doi or canonical_doi(_text(child))
        elif cns in PRISM and name == "doi":
            doi = doi or canonical_doi(_text(child))
    dates.setdefault("published", dates.get("updated", ""))
    return _record(
        title=plain_text(title_html), link=link, guid=guid or link, authors=authors, dates=dates,
        doi=doi, summary_html=summary or content, categories=categories, fmt="atom",
        kind="preprint" if is_preprint_doi(doi) else "news", raw=entry, title_is_text=True,
    )  # fmt: skip


def _record(
    *, title, link, guid, authors, dates, doi, summary_html, categories, fmt, kind, raw,
    title_is_text=False,
) -> Record:  # fmt: skip
    identifiers = {"guid": guid} if guid else {}
    if doi:
        identifiers["preprint_doi" if kind == "preprint" and is_preprint_doi(doi) else "doi"] = doi
    extra = {"categories": [c for c in categories if c]} if categories else {}
    return Record(
        title=title if title_is_text else plain_text(title),
        link=link,
        authors=authors,
        published=parse_date(dates.get("published")),
        updated=parse_date(dates.get("updated")),
        summary=clean_html(summary_html, base_url=link),
        identifiers=identifiers,
        kind=kind,
        source_format=fmt,
        extra=extra,
        raw=etree.tostring(raw, encoding="utf-8"),
    )
