"""Mark the searched terms in a snippet of text (the `marked` macro of templates/jinja2/epitope/search.html).

A term is marked only where it stands whole: "CAR-T" marks "CAR-T" and "CAR T" (the backends
match its parts in sequence), never "car" in "carcinoma" nor the "t" of "the"; "PD-1" does
not mark "PD-10". A plural ending is allowed, as PostgreSQL's stemming finds "vaccines" for
"vaccine".
"""

import functools
import re

from epitope.core.jinja import macros

_WORD = re.compile(r"[^\W_]+")
# Between the parts of a term: what the backends' tokenisers skip between two words.
_BETWEEN = r"[\s\-\u2010-\u2015'\u2019]+"
_PLURAL = r"(?:e?s|['\u2019]s)?"


def term_pattern(term):
    """Return the regular expression (a string) for one term as typed: its parts, whole."""
    parts = _WORD.findall(term or "")
    if not parts:
        return None
    return r"(?<!\w)" + _BETWEEN.join(re.escape(p) for p in parts) + _PLURAL + r"(?!\w)"


@functools.lru_cache(maxsize=256)
def _compiled(terms):
    patterns = [p for p in map(term_pattern, sorted(set(terms), key=len, reverse=True)) if p]
    return re.compile("|".join(patterns), re.IGNORECASE) if patterns else None


def split(text, terms):
    """Return `text` as (piece, is a match) pairs, each whole occurrence of a term a match."""
    text = text or ""
    pattern = _compiled(tuple(terms))
    if pattern is None:
        return [(text, False)]
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts += [(text[last : match.start()], False), (match.group(0), True)]
        last = match.end()
    parts.append((text[last:], False))
    return parts


def contains(text, term):
    """Return whether `text` has `term` whole, as `split` would mark it."""
    pattern = _compiled((term,))
    return bool(pattern and pattern.search(text or ""))


def highlight(text, terms):
    """Return `text` as safe HTML, escaped, with each whole occurrence of a term in <mark>."""
    return macros("epitope/search.html").marked(split(text, terms))
