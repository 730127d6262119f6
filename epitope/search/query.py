"""Turn whatever a visitor typed into a safe full-text query.

The database backends build FTS5 (SQLite) and tsquery (PostgreSQL) expressions from the terms
they are given, and some characters reach those parsers unescaped: a stray `"` is an FTS5
syntax error, a NUL byte crashes PostgreSQL. So only word characters survive here, and the
operators people type (AND/OR/NOT/NEAR, `*`, brackets) become plain words or disappear.
Double-quoted runs are kept as phrases, which readers of scientific news do use
("tumour microenvironment").
"""

import re
from dataclasses import dataclass, field

from modelsearch.query import And, Phrase, PlainText

MAX_QUERY_CHARS = 500
MAX_TERMS = 12
MAX_TERM_CHARS = 40

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')


@dataclass
class SearchTerms:
    words: list = field(default_factory=list)
    phrases: list = field(default_factory=list)  # each a list of words

    def __bool__(self):
        return bool(self.words or self.phrases)

    def all_words(self):
        """Return every word, phrase words included, for highlighting."""
        return self.words + [w for phrase in self.phrases for w in phrase]

    def as_text(self):
        parts = list(self.words) + [f'"{" ".join(p)}"' for p in self.phrases]
        return " ".join(parts)


def _words(text):
    return [w[:MAX_TERM_CHARS] for w in _WORD.findall(text)]


def sanitise(raw):
    """Return the words and phrases of `raw` that are safe to hand to any search backend."""
    text = (raw or "")[:MAX_QUERY_CHARS].replace("\x00", " ")
    terms = SearchTerms()
    budget = MAX_TERMS
    for phrase in _PHRASE.findall(text):
        words = _words(phrase)[:budget]
        budget -= len(words)
        if len(words) > 1:
            terms.phrases.append(words)
        elif words:
            terms.words.extend(words)
    rest = _PHRASE.sub(" ", text)
    terms.words.extend(_words(rest)[: max(budget, 0)])
    return terms


def to_backend_query(terms):
    """Return a modelsearch query matching every word and every phrase, or None if empty."""
    parts = []
    if terms.words:
        parts.append(PlainText(" ".join(terms.words), operator="and"))
    parts.extend(Phrase(" ".join(words)) for words in terms.phrases)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)
