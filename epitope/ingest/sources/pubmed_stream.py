"""Stream the records of a PubMed/MEDLINE XML file one at a time, each parsed on its own.

Every XML layout NLM publishes is read: `PubmedArticleSet` holding `PubmedArticle` and
`PubmedBookArticle` records (baseline and update files since 2017, E-utilities efetch), the
pre-2017 `MedlineCitationSet` of bare `MedlineCitation` records, and a lone record as root.

The stream is cut into records at their tags, and each record is parsed alone by lxml with
xmlsafe's settings. Memory holds one block and one record whatever the file's size, and a
malformed record costs that record only: an iterparse over the whole file stops at the first
error and loses every record after it. The prolog is checked as xmlsafe checks a document (no
DTD declarations, no entities); a record cannot declare any, and libxml2 refuses an entity
reference nothing declares, so nothing is ever expanded or fetched.
"""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path
from typing import IO, Iterator

from lxml import etree

from ..records import IngestError
from ..xmlsafe import UnsafeXML, parser_for

# Root element -> the record elements it holds.
LAYOUTS = {
    b"PubmedArticleSet": (b"PubmedArticle", b"PubmedBookArticle"),
    b"MedlineCitationSet": (b"MedlineCitation",),
    b"PubmedArticle": (b"PubmedArticle",),
    b"PubmedBookArticle": (b"PubmedBookArticle",),
    b"MedlineCitation": (b"MedlineCitation",),
}
BLOCK = 1 << 20
MAX_RECORD = 32 << 20  # libxml2 refuses text nodes over 10 MB anyway (huge_tree off)
MAX_PROLOG = 1 << 20

_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_PMID = re.compile(rb"<PMID[^>]*>\s*(\d+)\s*</PMID>")


class UnreadableRecord(IngestError):
    """One record the parser refused; the rest of the file is still read."""

    def __init__(self, message: str, position: int, chunk: bytes = b""):
        super().__init__(message)
        self.position = position
        match = _PMID.search(chunk[:65536])  # so a script can still join the line on its PMID
        self.pmid = match.group(1).decode() if match else ""


def open_file(path: str | Path) -> IO[bytes]:
    """Return a binary stream of the file's XML, gunzipping it if it is gzipped."""
    path = Path(path)
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gzipped else path.open("rb")


def sniff(head: bytes) -> bytes | None:
    """Return the root tag of a PubMed/MEDLINE document from its first bytes, or None."""
    root = _root_tag(head)
    return root if root in LAYOUTS else None


def _root_tag(head: bytes) -> bytes | None:
    pos = 0
    while True:
        lt = head.find(b"<", pos)
        if lt < 0 or lt + 1 >= len(head):
            return None
        nxt = head[lt + 1:lt + 2]
        if nxt == b"?":
            pos = head.find(b"?>", lt)
        elif head.startswith(b"<!--", lt):
            pos = head.find(b"-->", lt)
        elif nxt == b"!":
            pos = _doctype_end(head, lt)
        else:
            match = _ROOT.match(head, lt)
            return match.group(1) if match else None
        if pos < 0:
            return None
        pos += 1


def _doctype_end(data: bytes, start: int) -> int:
    """Return where a <!DOCTYPE …> starting at `start` ends (its internal subset included), or -1."""
    bracket = data.find(b"[", start)
    close = data.find(b">", start)
    if 0 <= bracket < close:
        end = data.find(b"]", bracket)
        return data.find(b">", end) if end >= 0 else -1
    return close


def _check_prolog(prolog: bytes) -> None:
    # As xmlsafe.check_doctype: PubMed's DOCTYPE only names an external DTD, never read.
    if b"<!ENTITY" in prolog:
        raise UnsafeXML("xml: entity declarations are not allowed")
    if re.search(rb"<!(ELEMENT|ATTLIST|NOTATION)", prolog):
        raise UnsafeXML("xml: DTD declarations are not allowed")


def iter_records(stream: IO[bytes], head: bytes = b"") -> Iterator[etree._Element | UnreadableRecord]:
    """Yield each record element, or the UnreadableRecord it raised in its place, in file order.

    `head` holds bytes already read from `stream` (to sniff it). Positions count from 1 over
    every record element in the file, read or not. Raise IngestError when the file is not
    PubMed XML, declares entities, or ends inside the document (after yielding what it held).
    """
    buf = head
    while len(buf) < MAX_PROLOG and _root_tag(buf) is None:
        block = stream.read(BLOCK)
        if not block:
            break
        buf += block
    root = _root_tag(buf)
    if root is None:
        raise IngestError("parser: no XML root element found" if buf.strip() else "parser: empty document")
    if root not in LAYOUTS:
        raise IngestError(f"parser: not PubMed XML (root <{root.decode(errors='replace')}>, expected "
                          "<PubmedArticleSet> or <MedlineCitationSet>)")
    root_at = buf.find(b"<" + root)
    _check_prolog(buf[:root_at])
    declared = _ENCODING.match(buf[:root_at])
    try:
        parser = parser_for(declared.group(1).decode("ascii") if declared else "utf-8")
    except LookupError:
        raise IngestError(f"parser: unknown encoding {declared.group(1).decode('ascii')!r}") from None
    tags = LAYOUTS[root]
    if root in tags:  # a lone record is its own document
        start = _StartTags((root,))
        pos, closing = root_at, None
    else:
        start = _StartTags(tags)
        pos, closing = root_at + len(root) + 1, b"</" + root
    yield from _records(stream, buf, pos, start, closing, parser)


class _StartTags:
    """Find the next start tag of a record: a plain bytes search for the tags' common prefix,
    then one anchored match (a regex scanning 400 MB for the alternation was a fifth of the run)."""

    def __init__(self, tags):
        self.prefix = b"<" + os.path.commonprefix(list(tags))
        self.tag = re.compile(rb"<(%s)[\s/>]" % b"|".join(tags))

    def search(self, buf: bytes, pos: int):
        at = buf.find(self.prefix, pos)
        while at >= 0:
            match = self.tag.match(buf, at)
            if match is not None:
                return match
            at = buf.find(self.prefix, at + 1)
        return None


def _find_end(buf: bytes, tag_end: bytes, pos: int) -> int:
    """Return the offset just past the end tag `tag_end` (b"</Tag") from `pos`, or -1."""
    at = buf.find(tag_end, pos)
    while at >= 0:
        i = at + len(tag_end)
        while i < len(buf) and buf[i] in b" \t\r\n":
            i += 1
        if i < len(buf) and buf[i] == 62:  # ">"
            return i + 1
        at = buf.find(tag_end, at + 1)
    return -1


def _records(stream, buf, pos, start, closing, parser):
    position = 0
    eof = False
    while True:
        match = start.search(buf, pos)
        if match is None:
            if closing is not None and buf.find(closing, pos) >= 0:
                return
            if eof:
                if closing is not None:
                    raise IngestError(f"parser: the file ends before {closing.decode()}> (cut off?)")
                return
            keep = max(pos, len(buf) - 64)  # a start tag may straddle the block boundary
            block = stream.read(BLOCK)
            eof = not block
            buf, pos = buf[keep:] + block, 0
            continue
        position += 1
        tag_end = b"</" + match.group(1)
        begin = match.start()
        end = _find_end(buf, tag_end, match.end())
        while end < 0 and not eof and len(buf) - begin <= MAX_RECORD:
            searched = max(match.end(), len(buf) - len(tag_end) - 16)
            block = stream.read(BLOCK)
            eof = not block
            buf += block
            end = _find_end(buf, tag_end, searched)
        if end < 0 and not eof:
            yield UnreadableRecord(f"parser: record {position} is over {MAX_RECORD >> 20} MB", position,
                                   buf[begin:begin + 65536])
            buf, pos, eof = _skip_past(stream, buf, tag_end)
            continue
        if end < 0:
            yield UnreadableRecord(f"parser: record {position} is cut off at the end of the file", position,
                                   buf[begin:])
            return
        chunk = buf[begin:end]
        pos = end
        if pos > BLOCK:  # drop what is read: memory stays at a block plus a record
            buf, pos = buf[pos:], 0
        try:
            yield etree.fromstring(chunk, parser)
        except etree.XMLSyntaxError as exc:
            yield UnreadableRecord(f"parser: record {position}: {exc.msg or exc}", position, chunk)


def _skip_past(stream, buf, tag_end):
    """Drop bytes up to the end of an oversized record; return (buffer, position, eof)."""
    buf = buf[-64:]
    while True:
        end = _find_end(buf, tag_end, 0)
        if end >= 0:
            return buf, end, False
        block = stream.read(BLOCK)
        if not block:
            return b"", 0, True
        buf = buf[-64:] + block
