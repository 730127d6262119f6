"""Mark the searched words in a snippet of text (the `marked` macro of templates/jinja2/epitope/search.html)."""

import re

from epitope.core.jinja import macros


def split(text, words):
    """Return `text` as (piece, is a match) pairs: a match is a word starting with a searched term.

    Matching on word prefixes follows the search backends' stemming closely enough:
    "vaccine" marks "vaccines" too.
    """
    text = text or ""
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return [(text, False)]
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")\w*", re.IGNORECASE)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts += [(text[last : match.start()], False), (match.group(0), True)]
        last = match.end()
    parts.append((text[last:], False))
    return parts


def highlight(text, words):
    """Return `text` as safe HTML, escaped, with each word starting with a searched term in <mark>."""
    return macros("epitope/search.html").marked(split(text, words))
