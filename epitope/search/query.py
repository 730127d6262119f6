"""Turn whatever a visitor typed into a safe full-text query that keeps the field's own words.

The database backends build FTS5 (SQLite) and tsquery (PostgreSQL) expressions from the terms
they are given, and some characters reach those parsers unescaped: a stray `"` is an FTS5
syntax error, a NUL byte crashes PostgreSQL. So only word characters and the hyphens and
apostrophes inside a word survive here, and the operators people type (AND/OR/NOT/NEAR, `*`,
brackets) become plain words or disappear. Double-quoted runs are kept as phrases, which
readers of scientific news do use ("tumour microenvironment").

A hyphenated name is one term, not two words: "CAR-T", "PD-L1", "B7-H4", "IL-2", "IFN-γ". Split
into words, "CAR-T" was "car" and "t" anywhere in a story, and "t" matched every "the". Each
backend is asked for the parts in sequence, as a phrase (`backend_terms`).
"""

import re
from dataclasses import dataclass, field

from modelsearch.query import And, Or, Phrase, PlainText

MAX_QUERY_CHARS = 500
MAX_TERMS = 12
MAX_TERM_CHARS = 40

_WORD = re.compile(r"[^\W_]+")
# Hyphens (ASCII, Unicode hyphen, non-breaking hyphen) and apostrophes that join the parts of
# one term: "PD‑1" typed from a PDF, "Hodgkin’s".
_JOINERS = "-\u2010\u2011'\u2019"
_TERM = re.compile(rf"[^\W_]+(?:[{_JOINERS}][^\W_]+)*")
_PHRASE = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class Term:
    """One thing a reader looks for: a word, a hyphenated name or a quoted phrase.

    `text` is as typed (joiners made ASCII), `parts` its words in order.
    """

    text: str
    parts: tuple

    @property
    def is_word(self):
        return len(self.parts) == 1


@dataclass
class SearchTerms:
    terms: list = field(default_factory=list)
    typed: str = ""  # the query as the reader typed it, for the box and the summary

    def __bool__(self):
        return bool(self.terms)

    def all_words(self):
        """Return each term as typed ("CAR-T", "tumour microenvironment"), for substring filters."""
        return [term.text for term in self.terms]

    def as_text(self):
        """Return the query as typed, bounded and without NUL bytes: what the box shows back."""
        return self.typed


def _term(text):
    parts = tuple(part[:MAX_TERM_CHARS] for part in _WORD.findall(text))
    plain = re.sub(f"[{_JOINERS}]", lambda m: "'" if m.group(0) in "'\u2019" else "-", text)
    return Term(plain if len(parts) > 1 else parts[0], parts)


def sanitise(raw):
    """Return the terms of `raw` that are safe to hand to any search backend, at most MAX_TERMS."""
    text = (raw or "")[:MAX_QUERY_CHARS].replace("\x00", " ")
    terms = SearchTerms(typed=" ".join(text.split()))
    for phrase in _PHRASE.findall(text):
        found = [_term(t) for t in _TERM.findall(phrase)]
        if len(found) > 1:
            parts = tuple(p for t in found for p in t.parts)
            terms.terms.append(Term(" ".join(t.text for t in found), parts))
        else:
            terms.terms.extend(found)
    rest = _PHRASE.sub(" ", text).replace('"', " ")
    terms.terms.extend(_term(t) for t in _TERM.findall(rest))
    terms.terms = terms.terms[:MAX_TERMS]
    return terms


def backend_terms(term):
    """Return the modelsearch query for one term.

    A term of several parts is a phrase. PostgreSQL's parser reads "PD-1" alone as the word
    "pd" and the number "-1", but "anti-PD-1" as "anti", "pd", "1": the term is asked for both
    as typed and as its parts, so it is found however the text around it is written. FTS5
    reads both alike. Not a single Latin letter, though: PostgreSQL drops "t" as a stop word,
    and "CAR T" would ask for every "car" (as typed, "CAR-T" is the lexeme "car-t").
    """
    if term.is_word:
        return PlainText(term.text)
    spaced = " ".join(term.parts)
    if spaced == term.text or any(len(p) == 1 and p.isascii() and p.isalpha() for p in term.parts):
        return Phrase(term.text)
    return Or([Phrase(term.text), Phrase(spaced)])


def to_backend_query(terms, any_term=False):
    """Return a modelsearch query matching every term (or, with `any_term`, any), or None if empty."""
    words = [t.text for t in terms.terms if t.is_word]
    parts = [PlainText(" ".join(words), operator="or" if any_term else "and")] if words else []
    parts.extend(backend_terms(t) for t in terms.terms if not t.is_word)
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return Or(parts) if any_term else And(parts)
