"""Sanitise untrusted HTML from sources: the last step before anything is stored or shown.

Like miniflux, sanitising runs at the end, after every other rewrite, so nothing later can
reintroduce markup the allowlist removed.
"""

from __future__ import annotations

import html as htmllib
import re
from functools import lru_cache

import nh3

ALLOWED_TAGS = {
    "p", "br", "a", "em", "strong", "i", "b", "ul", "ol", "li", "blockquote",
    "sub", "sup", "code", "pre", "h2", "h3", "h4",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Their content is code or presentation, never text a reader should see.
DROPPED_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "embed", "noscript"}
# Longer markup is cut before sanitising (the sanitiser closes what the cut leaves open): a
# summary, even a whole article's content_html, is far shorter, and a 50 MB one cost 2.6 GB.
MAX_CHARS = 512 * 1024

_SPACES = re.compile(r"\s+")
# The only characters the sanitiser rewrites in text without markup (escaped, dropped or
# normalised; checked against nh3 over the Unicode range): without them, text comes out as it went in.
_NOT_VERBATIM = re.compile("[<>&\x00\r\xa0\ufeff]")
# An href whose value starts with a scheme is absolute: the base URL cannot change it. (Spaces
# as the URL standard strips them; an entity-encoded scheme does not match, so it takes the
# careful path.)
_ABSOLUTE_HREF = re.compile(r"""href[ \t\n\r\f]*=[ \t\n\r\f]*["']?[ \t\n\r\f]*[a-z][a-z0-9+.-]*:""")  # on lower-cased text


@lru_cache(maxsize=64)
def _cleaner(base_url: str) -> nh3.Cleaner:
    # A relative link in a feed item is relative to the item's own site, never to ours:
    # resolve it against the item's URL when known, else drop it.
    relative = ("rewrite_with_base", base_url) if base_url.startswith(("http://", "https://")) else "deny"
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        url_relative=relative,
    )


_TEXT_CLEANER = nh3.Cleaner(tags=set(), clean_content_tags=DROPPED_WITH_CONTENT, attributes={})


def clean_html(html: str, base_url: str = "") -> str:
    """Return `html` reduced to the allowlist, links made safe and marked external."""
    if not html:
        return ""
    html = html[:MAX_CHARS]
    if not _NOT_VERBATIM.search(html):  # plain text, as a third of feed summaries are
        return html.strip()
    if not _needs_base(html):
        # Building a Cleaner costs about as much as cleaning, and every item has its own URL:
        # one without relative links is cleaned the same by the shared, base-less one.
        return _cleaner("").clean(html).strip()
    try:
        cleaner = _cleaner(base_url)
    except ValueError:  # a base URL the sanitiser cannot parse: drop relative links instead
        cleaner = _cleaner("")
    return cleaner.clean(html).strip()


def _needs_base(html: str) -> bool:
    """Return whether `html` may hold a relative link (every "href" not followed by a scheme).

    Erring towards True costs time only; a wrong False would drop a relative link, never keep
    an unsafe one (the base-less cleaner denies relative links).
    """
    low = html.lower()
    hrefs = low.count("href")
    return hrefs > 0 and len(_ABSOLUTE_HREF.findall(low)) < hrefs


# What a browser removes from a URL before reading its scheme (the URL standard): C0 controls
# and spaces at either end, tabs and newlines anywhere ("java\tscript:" is "javascript:").
_URL_EDGES = "".join(map(chr, range(0x21)))
_URL_INNER = re.compile("[\t\n\r]")


def http_link(url) -> str:
    """Return `url` as a browser would read it if it is an absolute http(s) link, else "".

    Item links come from outside; only these two schemes may ever become an href
    (javascript:, data:, vbscript: and relative links are dropped on the way in and on the way out).
    """
    if not isinstance(url, str):
        return ""
    url = _URL_INNER.sub("", url.strip(_URL_EDGES))
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not rest.strip("/\\"):
        return ""
    return url


def plain_text(html: str) -> str:
    """Return the visible text of `html`: no tags, entities decoded, whitespace collapsed."""
    if not html:
        return ""
    html = html[:MAX_CHARS]
    if "<" not in html and "&" not in html:
        return _SPACES.sub(" ", html).strip()
    text = htmllib.unescape(_TEXT_CLEANER.clean(html))
    return _SPACES.sub(" ", text).strip()
