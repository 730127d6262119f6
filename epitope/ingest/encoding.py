"""Turn source bytes in whatever encoding they claim (or don't) into UTF-8.

Feeds lie about their encoding: a prolog says ISO-8859-1 over UTF-8 bytes, a server sends
windows-1251 with no declaration. We follow miniflux: bytes that are valid UTF-8 are UTF-8
whatever the label says (legacy single-byte text almost never is), otherwise the document's
own declaration wins, then the HTTP charset, then windows-1252.
"""

from __future__ import annotations

import codecs
import re

_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']", re.I)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Browsers read these labels as windows-1252; publishers who write them mean it too
# (curly quotes and euro signs in "ISO-8859-1" feeds are common).
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "cp819"}


def declared_encoding(data: bytes) -> str:
    """Return the encoding named in the XML declaration, lower-cased, or ''."""
    match = _XML_DECL.match(data[:512])
    return match.group(1).decode("ascii").lower() if match else ""


def charset_from_content_type(content_type: str) -> str:
    """Return the charset parameter of an HTTP Content-Type, lower-cased, or ''."""
    match = _CHARSET.search(content_type or "")
    return match.group(1).lower() if match else ""


def _python_codec(label: str) -> str | None:
    if not label:
        return None
    if label in _AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def to_utf8(data: bytes, content_type: str = "") -> bytes:
    """Return `data` as UTF-8 bytes (BOM removed); the XML declaration may still name another."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace").encode("utf-8")
    if data[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        name = "utf-16-le" if data[0] == 0x3C else "utf-16-be"
        return data.decode(name, errors="replace").encode("utf-8")
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    candidates = [
        _python_codec(declared_encoding(data)),
        _python_codec(charset_from_content_type(content_type)),
        "cp1252",
    ]
    for codec in candidates:
        if codec and not codec.startswith("utf"):
            try:
                return data.decode(codec).encode("utf-8")
            except UnicodeDecodeError:
                continue
    # cp1252 leaves five bytes undefined; Latin-1 maps every byte.
    return data.decode("latin-1").encode("utf-8")
