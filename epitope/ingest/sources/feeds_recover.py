"""The tolerant path for feeds a strict XML parser refuses: the text repaired, then lxml's
recovering parser, then the same tree reader as the fast path (`feeds.records_from_tree`).

Real feeds break in a few ways, each repaired here the way a browser or feed reader would read it:
cut short (a download that stopped: the recovering parser keeps every item before the cut); a
prolog where none may be (twice, after a PHP warning or blank lines, inside the root) or naming
an encoding the bytes are not in (they are UTF-8 by now: `encoding.to_utf8`); HTML's named
entities (`&nbsp;`), which XML does not define, and bare `&`; control characters; unclosed HTML
in text; tag names in the wrong letter case (`<Item>`); HTML's entities declared in an internal
DTD subset. An HTML page where the feed should be is refused by name, never read as entries.

The safety of `xmlsafe` holds: no entity is expanded, no DTD loaded, nothing fetched, libxml2's
size limits stay on. A feed's DTD subset is cut out of the text before any parser sees it
(`without_entity_declarations`), and only when no entity in it is defined by another.
"""

from __future__ import annotations

import html.entities
import re
import threading

from lxml import etree

from ..records import IngestError, Record, Skipped
from ..xmlsafe import check_doctype, parser_options
from . import feeds

_local = threading.local()
_HEAD = 8192
_FEED_START = re.compile(rb"<\?xml|<rss[\s>]|<feed[\s>]|<rdf:rdf[\s>]", re.I)
_DECLARATION = re.compile(rb"<\?xml(?:\?xml)?\s[^>]*?\?+>", re.I)
_SECTIONS = re.compile(rb"(<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z))", re.S)
_AMPERSAND = re.compile(rb"&(?!#[0-9]+;|#x[0-9a-fA-F]+;|(?:amp|lt|gt|quot|apos);)([A-Za-z][A-Za-z0-9]{1,31};)?")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ITEM_TAG = re.compile(rb"<(?:[\w-]+:)?(?:item|entry)[\s>]", re.I)
_FIRST_ELEMENT = re.compile(rb"\A(?:\s|<\?.*?\?>|<!--.*?-->|<![^>]*>)*<([A-Za-z][\w:.-]*)", re.S)
# Element names feeds use, by their lower-case form: a tag in another case is read as these.
_NAMES = {name.lower(): name for name in (
    "rss", "channel", "item", "title", "link", "description", "guid", "pubDate", "author", "category",
    "feed", "entry", "id", "summary", "content", "published", "updated", "name", "RDF",
)}  # fmt: skip
_FIELDS = frozenset((
    "link", "description", "pubDate", "guid", "author", "category", "comments", "enclosure", "source", "encoded",
    "creator", "date", "identifier", "subject", "doi", "publicationDate", "summary", "content", "id", "published",
    "updated",
))  # fmt: skip
# Elements that hold text, never an entry's fields: an HTML tag, or a feed's text element.
_HOLDS_TEXT = frozenset("a abbr b big br code div em font h1 h2 h3 h4 hr i img li ol p q s small span strong sub sup u ul "
                        "title description summary link guid pubdate".split())
_XHTML = "{http://www.w3.org/1999/xhtml}"
_DOCTYPE = re.compile(rb"<!DOCTYPE\s+([\w:.-]+)[^\[>]*\[(.*?)\]\s*>", re.S)
_ENTITY_VALUE = re.compile(rb"""<!ENTITY\s+(?:%\s+)?[\w:.-]+\s+(?:"([^"]*)"|'([^']*)')""")
_NESTED = re.compile(rb"&[A-Za-z_:][\w:.-]*;|%[A-Za-z_:][\w:.-]*;")


def without_entity_declarations(utf8: bytes) -> bytes | None:
    """Return a feed with its internal DTD subset left out, or None if it may not be read so.

    Real feeds declare HTML's entities there (`<!ENTITY nbsp "&#160;">`, `%HTMLlat1;`): without
    the subset nothing is expanded, HTML's names are read by `repair` and others stay text. An
    entity defined by another entity (a billion laughs) is an attack whatever the root, and a
    document that is not a feed has no reason to declare anything: both stay refused.
    """
    match = _DOCTYPE.search(utf8, 0, 65536)
    if not match or match.group(1).lower().rpartition(b":")[2] not in (b"rss", b"feed", b"rdf"):
        return None
    values = [a or b for a, b in _ENTITY_VALUE.findall(match.group(2))]
    if any(_NESTED.search(value) for value in values):
        return None
    stripped = utf8[:match.start()] + utf8[match.end():]
    return None if b"<!ENTITY" in stripped[:65536] else stripped


def is_html_page(utf8: bytes) -> bool:
    """Return whether a document's first element is <html> (a page, not a feed)."""
    match = _FIRST_ELEMENT.match(utf8[:_HEAD])
    return bool(match) and match.group(1).lower() == b"html"


def html_page(utf8: bytes) -> str:
    """Return the error's words for an HTML page (its title, read from the recovered tree)."""
    try:
        return feeds.html_page(recover_tree(utf8))
    except IngestError:
        return "this is an HTML page, not a feed"


def is_feed_root(root: etree._Element) -> bool:
    """Return whether a root element is a feed's but for the letter case of its names."""
    return feeds.feed_format(root) is not None or _local_name(root.tag).lower() in ("rss", "feed", "rdf")


def _local_name(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def item_tags(utf8: bytes) -> int:
    """Return how many item/entry start tags the bytes hold: more entries no parser can find."""
    return len(_ITEM_TAG.findall(utf8))


def repair(utf8: bytes) -> bytes:
    """Return a broken feed's UTF-8 bytes with what strict XML refuses put right, as far as text can."""
    start = _FEED_START.search(utf8[:_HEAD])
    data = utf8[start.start():] if start else utf8.lstrip()
    first = _DECLARATION.match(data)
    keep = b'<?xml version="1.0" encoding="utf-8"?>' if first else b""  # the bytes are UTF-8 now
    body = data[first.end():] if first else data
    body = _DECLARATION.sub(b"", body)  # a second prolog, or one inside the root
    body = _CONTROL.sub(b"", body)
    sections = _SECTIONS.split(body)
    sections[::2] = [_AMPERSAND.sub(_ampersand, part) for part in sections[::2]]  # not in CDATA or comments
    return keep + b"".join(sections)


def _ampersand(match: re.Match) -> bytes:
    name = match.group(1)
    if name:
        text = html.entities.html5.get(name.decode("ascii"))
        if text:
            return "".join(f"&#{ord(ch)};" for ch in text).encode("ascii")
    return b"&amp;" + (name or b"")


def _parser() -> etree.XMLParser:
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.XMLParser(encoding="utf-8", recover=True, **parser_options())
    return parser


def recover_tree(utf8: bytes) -> etree._Element:
    """Return the root of a broken feed, recovered; IngestError if nothing is left to read."""
    try:
        root = etree.fromstring(repair(utf8), _parser())
    except etree.XMLSyntaxError as exc:
        raise IngestError(f"xml: {exc.msg or exc}") from None
    if root is None:
        raise IngestError("xml: nothing recoverable in the document")
    check_doctype(root.getroottree().docinfo)
    _normalise_names(root)
    _hoist_out_of_html(root)
    return root


def _hoist_out_of_html(root: etree._Element) -> None:
    """Put an entry's fields that an unclosed HTML tag swallowed back into the entry.

    `<title>CAR-T <b>update</title><link>…` recovers as a <b> that holds the link, the
    description and the rest of the item, all inside the title.
    """
    stranded = [el for el in root.iter() if isinstance(el.tag, str) and _local_name(el.tag) in _FIELDS
                and not el.tag.startswith(_XHTML) and _local_name(el.getparent().tag).lower() in _HOLDS_TEXT]
    for el in stranded:
        entry = next((up for up in el.iterancestors() if _local_name(up.tag) in ("item", "entry")), None)
        if entry is not None:
            tail, el.tail = el.tail, None
            parent = el.getparent()
            parent.remove(el)
            if tail and tail.strip():
                parent.text = (parent.text or "") + tail
            entry.append(el)


def _normalise_names(root: etree._Element) -> None:
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        ns, _, local = tag[1:].partition("}") if tag[0] == "{" else ("", "", tag)
        name = _NAMES.get(local.lower())
        if name and name != local:
            el.tag = f"{{{ns}}}{name}" if ns else name


def parse_recovered(utf8: bytes) -> tuple[str, str, str, list[Record | Skipped]]:
    """Return (format, feed title, feed link, items) of a broken feed read from its recovered tree."""
    root = recover_tree(utf8)
    fmt = feeds.feed_format(root)
    if fmt is None:
        if feeds.is_html(root):
            raise IngestError(f"parser: unable to detect feed format: {feeds.html_page(root)}")
        raise IngestError("parser: unable to detect feed format")
    items = readable(feeds.records_from_tree(root, deep=True))
    for item in items:
        if isinstance(item, Record):
            item.extra["tolerant_parse"] = True
    return fmt, *feeds.feed_info(root), items


def readable(items: list[Record | Skipped]) -> list[Record | Skipped]:
    """Return the items of a broken feed with a `Skipped` for each entry that has neither a title
    nor a link (what a cut leaves of the last one): nothing a reader could see or follow."""
    return [
        Skipped(position, "parser: entry with neither title nor link (the feed breaks off there)")
        if isinstance(item, Record) and not (item.title or item.link) else item
        for position, item in enumerate(items, 1)
    ]
