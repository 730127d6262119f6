"""Parse untrusted XML with lxml so that it can neither expand nor fetch anything.

Entity expansion is off, no DTD is ever loaded, there is no network access, and the size
limits of libxml2 stay on (huge_tree=False). A document that declares entities (billion
laughs, quadratic blow-up, external entities / XXE) or any other DTD declaration in an
internal subset is refused outright, as defusedxml does: feeds and PubMed never need one.
A DOCTYPE that only names an external DTD (PubMed's does) is allowed; the DTD is not read.
"""

from __future__ import annotations

import codecs
import threading

from lxml import etree

from .records import IngestError

_PARSER_OPTIONS = dict(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)
_local = threading.local()


class UnsafeXML(IngestError):
    """XML refused for what it declares, not for being malformed: never retried leniently."""


def _parser() -> etree.XMLParser:
    # lxml parsers are reusable but not shareable between threads mid-parse.
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.XMLParser(encoding="utf-8", **_PARSER_OPTIONS)
    return parser


def check_doctype(docinfo: etree.DocInfo) -> None:
    """Raise IngestError if the document's internal DTD subset declares anything."""
    dtd = docinfo.internalDTD
    if dtd is None:
        return
    if next(iter(dtd.iterentities()), None) is not None:
        raise UnsafeXML("xml: entity declarations are not allowed")
    if next(iter(dtd.iterelements()), None) is not None:
        raise UnsafeXML("xml: DTD declarations are not allowed")


def parse_xml(data: bytes) -> etree._Element:
    """Return the root element of UTF-8 `data`, refusing anything unsafe with IngestError."""
    if b"<!ENTITY" in data[:65536] and b"<!DOCTYPE" in data[:65536]:
        # Refuse before libxml2 even builds the entity table.
        raise UnsafeXML("xml: entity declarations are not allowed")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise IngestError(f"xml: {exc.msg or exc}") from None
    if root is None:
        raise IngestError("xml: empty document")
    check_doctype(root.getroottree().docinfo)
    return root


def parser_options() -> dict:
    """Return the safe settings every parser of untrusted XML takes (the tolerant one adds recover)."""
    return dict(_PARSER_OPTIONS)


def parser_for(encoding: str = "utf-8") -> etree.XMLParser:
    """Return a new parser with the safe settings, for documents in `encoding` (LookupError if unknown)."""
    codecs.lookup(encoding)
    return etree.XMLParser(encoding=encoding, **_PARSER_OPTIONS)
