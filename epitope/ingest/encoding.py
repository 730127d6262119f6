"""Turn source bytes in whatever encoding they claim (or don't) into UTF-8.

Feeds lie about their encoding: a prolog says ISO-8859-1 over UTF-8 bytes, a server sends
windows-1251 with no declaration. We follow miniflux: bytes that are valid UTF-8 are UTF-8
whatever the label says (legacy single-byte text almost never is), otherwise the document's
own declaration wins, then the HTTP charset. With neither, charset-normalizer guesses the
script (Cyrillic, Japanese, Greek …); Latin-script text stays windows-1252, because within Latin
the detector cannot tell the code pages apart on real feeds (German and French came out cp1250
or cp775, turning è into č).
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

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
# Detection grows with the input (15 ms on 2 MB of windows-1251, 1 ms on 64 KiB); a window from
# just before the first non-ASCII byte (ASCII markup tells the detector nothing) bounds it.
DETECT_WINDOW = 64 * 1024
_LEAD_IN = 1024
_NON_ASCII = re.compile(rb"[\x80-\xff]")


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
    declared = [
        _python_codec(declared_encoding(data)),
        _python_codec(charset_from_content_type(content_type)),
    ]
    # A UTF-16/32 label over bytes that are neither (no BOM, checked above) says nothing.
    declared = [codec for codec in declared if codec and not codec.startswith("utf")]
    detected = None if declared else detect_encoding(data)
    if detected:
        return data.decode(detected, errors="replace").encode("utf-8")
    for codec in (*declared, "cp1252"):
        if codec:
            try:
                return data.decode(codec).encode("utf-8")
            except UnicodeDecodeError:
                continue
    # cp1252 leaves five bytes undefined; Latin-1 maps every byte.
    return data.decode("latin-1").encode("utf-8")


def detect_encoding(data: bytes) -> str | None:
    """Return the codec charset-normalizer finds for undeclared non-UTF-8 `data`, or None.

    None means "use windows-1252": no guess, a UTF-8 guess (the window was valid, the whole
    is not), or Latin-script text that windows-1252 decodes.
    """
    first = _NON_ASCII.search(data)
    if first is None:
        return None
    start = max(0, first.start() - _LEAD_IN)
    window = data[start : start + DETECT_WINDOW]
    if start + DETECT_WINDOW < len(data):
        # A window ending inside a multi-byte character fails every multi-byte codec; "<" is
        # never a trail byte (those start at 0x40 in Shift-JIS, GBK and Big5), so end before one.
        end = window.rfind(b"<", DETECT_WINDOW // 2)
        window = window[:end] if end > 0 else window
    best = from_bytes(window).best()
    if best is None:
        return None
    codec = _python_codec(best.encoding)
    if codec is None or codec.startswith("utf"):
        return None
    text = window.decode(codec, errors="replace")
    if _latin_script(text):
        try:
            window.decode("cp1252")
            return None
        except UnicodeDecodeError:
            pass  # bytes windows-1252 leaves undefined: trust the detector's Latin code page
    return codec


def _latin_script(text: str) -> bool:
    """Return whether every non-ASCII letter of `text` is a Latin letter."""
    return all(
        unicodedata.name(ch, "").startswith("LATIN")
        for ch in text
        if ord(ch) > 0x7F and ch.isalpha()
    )
