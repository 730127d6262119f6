"""The broken-feed corpus: real feeds of tests/testdata/ingest/feeds, broken as feeds break in the wild.

Each file is a real feed (miniflux/v2 and feed-rs test data, see testdata/ingest/README.md) broken the way
feeds break in the wild: cut short at several points, a wrong, duplicate or late XML prolog,
a byte-order mark over a wrong declared encoding, HTML entities XML does not define, bare `&`,
control characters, tags in the wrong letter case, unclosed HTML in text, and HTML pages
served where the feed should be. Made in memory, the same bytes every time, by `corpus()` (the
tolerance test and bench/feed_tolerance.py); `python tests/broken_feeds.py DIR` writes it out to
look at. Each name says the source feed and the damage.
"""

import codecs
import html
import re
import sys
from pathlib import Path

FEEDS = Path(__file__).resolve().parent / "testdata" / "ingest" / "feeds"
# Real feeds with entries (the others of ../feeds hold one entry or none).
SOURCES = {
    "iso": "encoding_ISO-8859-1.xml",
    "cp1251": "encoding_WINDOWS-1251.xml",
    "atom": "large_atom.xml",
    "rss": "large_rss.xml",
    "psy": "no_encoding_ISO-8859-1.xml",
    "rdf": "rdf_UTF8.xml",
    "github": "small_atom.xml",
    "urdu": "urdu_UTF8.xml",
}
_PROLOG = re.compile(rb"^\s*<\?xml[^>]*\?>\s*")
_CDATA_OR_COMMENT = re.compile(rb"(<!\[CDATA\[.*?\]\]>|<!--.*?-->)", re.S)
PHP_WARNING = (b"<br />\n<b>Warning</b>:  Cannot modify header information - headers already sent by "
               b"(output started at /var/www/html/wp-config.php:1) in <b>/var/www/html/wp-includes/feed-rss2.php"
               b"</b> on line <b>8</b><br />\n")


def outside_markup_sections(data, change):
    """Apply `change` to the text outside CDATA sections and comments (where XML reads `&`)."""
    parts = _CDATA_OR_COMMENT.split(data)
    return b"".join(part if i % 2 else change(part) for i, part in enumerate(parts))


def declared(data):
    match = re.match(rb"^\s*<\?xml[^>]*encoding=[\"']([^\"']+)", data)
    return match.group(1).decode() if match else "utf-8"


def as_utf8(name, data):
    encoding = {"psy": "iso-8859-1"}.get(name) or declared(data)
    return data.decode(encoding).encode("utf-8")


def truncations(name, data):
    for percent in (30, 55, 80, 97):
        yield f"{name}_truncated_{percent}.xml", data[: len(data) * percent // 100]


def prologs(name, data):
    body = _PROLOG.sub(b"", data, count=1)
    prolog = data[: len(data) - len(body)].strip()
    yield f"{name}_prolog_duplicate.xml", b'<?xml version="1.0" encoding="utf-8"?>\n' + data
    yield f"{name}_prolog_after_php_warning.xml", b"\n\n" + PHP_WARNING + data
    yield f"{name}_prolog_after_blank_lines.xml", b"\r\n\r\n  " + data
    if prolog:
        yield f"{name}_prolog_utf16_declared.xml", re.sub(rb"encoding=[\"'][^\"']+[\"']", b'encoding="UTF-16"', prolog) + b"\n" + body
        yield f"{name}_prolog_after_root.xml", body.replace(b">", b">" + prolog, 1)


def compound(name, data):
    """Two faults at once: a prolog feedparser believes (UTF-16 over 8-bit bytes) on a document
    strict XML refuses; and HTML's entities declared in an internal DTD subset, as old feeds do
    (Epitope refused every such feed before, fast path and fallback alike; both other parsers read it)."""
    utf16 = re.sub(rb"^(\s*<\?xml[^>]*?encoding=)[\"'][^\"']+[\"']", rb'\1"UTF-16"', data, count=1)
    if utf16 == data:
        utf16 = b'<?xml version="1.0" encoding="UTF-16"?>\n' + data
    yield f"{name}_utf16_prolog_stray_ampersands.xml", outside_markup_sections(utf16, _stray_ampersands)
    yield f"{name}_utf16_prolog_truncated_80.xml", utf16[: len(utf16) * 80 // 100]
    body = _PROLOG.sub(b"", data, count=1)
    subset = (b'<!DOCTYPE rss [\n<!ENTITY % HTMLlat1 PUBLIC "-//W3C//ENTITIES Latin 1 for XHTML//EN" '
              b'"http://www.w3.org/TR/xhtml1/DTD/xhtml-lat1.ent">\n%HTMLlat1;\n<!ENTITY nbsp "&#160;">\n]>\n')
    yield f"{name}_declared_entities.xml", data[: len(data) - len(body)] + subset + outside_markup_sections(body, _entities)
    yield f"{name}_broken_prolog_entities.xml", outside_markup_sections(
        re.sub(rb"^\s*<\?xml", b"<?xml?xml", utf16.replace(b"?>", b"??>", 1), count=1), _entities)


def encodings(name, data):
    utf8 = as_utf8(name, data)
    wrong = b"windows-1251" if name != "cp1251" else b"iso-8859-1"
    body = _PROLOG.sub(b"", utf8, count=1)
    yield f"{name}_bom_declared_{wrong.decode()}.xml", codecs.BOM_UTF8 + b'<?xml version="1.0" encoding="' + wrong + b'"?>\n' + body


def _entities(part):
    # What hand-written feeds do: HTML's named entities in XML text, which XML does not define.
    part = part.replace(b"&amp;", b"&amp;amp;")  # keep what was escaped as it was
    part = re.sub(rb"(<title[^>]*>)(?!<!\[CDATA)", rb"\1&laquo;&nbsp;", part)
    return re.sub(rb"(?<!<!\[CDATA\[)(</title>)", rb"&nbsp;&raquo;\1", part)


def _stray_ampersands(part):
    part = part.replace(b"&amp;", b"&")
    return re.sub(rb"(<title[^>]*>)(?!<!\[CDATA)", rb"\1R&D ", part)


def _mixed_case(part):
    for tag in (b"item", b"entry", b"title", b"link", b"description", b"pubDate", b"guid", b"summary", b"channel"):
        part = part.replace(b"<" + tag + b">", b"<" + tag.capitalize() + b">")
        part = part.replace(b"<" + tag + b" ", b"<" + tag.capitalize() + b" ")
        part = part.replace(b"</" + tag + b">", b"</" + tag.capitalize() + b">")
    return part


def _control_characters(part):
    return re.sub(rb"(<title[^>]*>)(?!<!\[CDATA)", b"\\1\x0b\x1a", part)


def _unclosed_html(part):
    return re.sub(rb"(</title>)", b"<br><b>new\\1", part)


def markup(name, data):
    for damage in (_entities, _stray_ampersands, _mixed_case, _control_characters, _unclosed_html):
        yield f"{name}{damage.__name__}.xml", outside_markup_sections(data, damage)


def html_page(name, data):
    """The site's HTML page where its feed should be: what a wrong or moved feed URL serves."""
    titles = [html.unescape(t.decode("utf-8", "replace")) for t in re.findall(rb"<title[^>]*>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</title>", as_utf8(name, data), re.S)]
    articles = "".join(f'<article><h2><a href="/post/{n}">{html.escape(t.strip())}</a></h2><p>{html.escape(t.strip())}</p></article>\n'
                       for n, t in enumerate(titles[1:], 1))
    page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(titles[0].strip())}</title>'
            f'<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>\n<body><main>\n{articles}</main></body></html>\n')
    yield f"{name}_html_page.html", page.encode()


def corpus():
    """Return [(name, bytes)]: the real feeds with entries, then every broken variant and HTML page."""
    out = []
    for name, filename in SOURCES.items():
        data = (FEEDS / filename).read_bytes()
        out.append((filename, data))
        for make in (truncations, prologs, encodings, markup, compound):
            out.extend(make(name, data))
    for name in ("rss", "urdu"):
        out.extend(html_page(name, (FEEDS / SOURCES[name]).read_bytes()))
    out.append(("error_page_503.html", ERROR_PAGE))
    return out


ERROR_PAGE = (b"<!DOCTYPE html>\n<html><head><title>503 Service Temporarily Unavailable</title></head><body>\n"
              b"<center><h1>503 Service Temporarily Unavailable</h1></center>\n<hr><center>nginx</center>\n</body></html>\n")


def is_html_page(name):
    return name.endswith(".html")


def feeds():
    """Return [(name, bytes)] of the corpus's feeds, HTML pages left out."""
    return [(name, data) for name, data in corpus() if not is_html_page(name)]


def html_pages():
    return [(name, data) for name, data in corpus() if is_html_page(name)]


# -- counting what each parser reads ---------------------------------------------------------
# An entry counts when its title or its link, markup removed, holds a letter or a digit:
# something a reader could see or follow. Not counted: an entry with neither (a cut-off last
# entry, an empty <item/>), or whose only title is control characters, punctuation or the debris of
# entities ("«&&#160;;»", what feedparser makes of an undeclared &nbsp; in an empty title).
_MARKUP = re.compile(r"<[^>]*>")
_ALNUM = re.compile(r"[^\W_]")


def visible(text):
    return bool(_ALNUM.search(html.unescape(_MARKUP.sub("", text or ""))))


def feedparser_entries(data):
    import io

    import feedparser

    parsed = feedparser.parse(io.BytesIO(data))
    return sum(1 for e in parsed.entries if visible(e.get("title")) or visible(e.get("link")))


def fastfeedparser_entries(data):
    import fastfeedparser

    try:
        entries = fastfeedparser.parse(data).entries
    except Exception:  # noqa: BLE001 - it refuses a document by raising (ValueError, lxml's errors)
        return 0
    return sum(1 for e in entries if visible(e.get("title")) or visible(e.get("link")))


def epitope_entries(data):
    from epitope.ingest.parse import parse_bytes
    from epitope.ingest.records import IngestError

    try:
        records = parse_bytes(data)
    except IngestError:
        return 0
    return sum(1 for r in records if visible(r.title) or visible(r.link))


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    for name, data in corpus():
        (target / name).write_bytes(data)
