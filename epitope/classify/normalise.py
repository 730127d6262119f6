"""Normalise text for matching, keeping a map back to the original characters.

The matcher sees a lower-cased string in which every run of non-alphanumeric characters
(spaces, hyphens, en dashes, slashes, brackets, punctuation; also non-ASCII letters other than
Greek) is one space and Greek letters become their names ("TGF-β" → "tgf beta", "IFNγ" → "ifn gamma"). Synonyms go through the same
function, so both sides agree.

Speed matters (the throughput target is 10,000 abstracts/s on one core). Text without Greek
letters — nearly all of it — takes a fast path done entirely by C-level `str.lower` and one
`re.sub`; positions are mapped back lazily from the few runs of two or more separators (", ",
") "), found only when a hit needs its span. Text with Greek letters takes the general path.
"""

from __future__ import annotations

import bisect
import re

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu",
    "ξ": "xi", "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau",
    "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    # Look-alikes that turn up in real titles ("IL-1⍺", "µM", "ϐ").
    "⍺": "alpha", "µ": "mu", "ϐ": "beta", "ϑ": "theta", "ϕ": "phi", "ϵ": "epsilon", "ϰ": "kappa",
}
GREEK.update({letter.upper(): name for letter, name in list(GREEK.items()) if len(letter.upper()) == 1})


class _FoldTable(dict):
    """A `str.translate` table, filled lazily: separators become spaces, all else stays.

    Length never changes, so positions survive this step untouched.
    """

    def __missing__(self, code):
        ch = chr(code)
        out = ch if ch in GREEK or _WORD_CHAR.match(ch) else " "
        self[code] = out
        return out


_WORD_CHAR = re.compile(r"[^\W_]")
_GREEK_SEARCH = re.compile("[" + "".join(GREEK) + "]").search


_FOLD = _FoldTable()
_GREEK_CLASS = "[" + "".join(GREEK) + "]"
# A Greek letter swallows the separators around it so "TGF-β" becomes "tgf beta", not "tgf  beta".
_CHANGES = re.compile(f" *{_GREEK_CLASS}+ *| {{2,}}")
_HAS_CHANGES = _CHANGES.search


def _fold(text: str) -> str:
    low = text.lower()
    if len(low) != len(text):  # e.g. "İ" lowers to two characters; keep positions aligned
        low = "".join(c if len(c) == 1 else ch for ch, c in zip(text, map(str.lower, text)))
    return low.translate(_FOLD)


_ASCII_TABLE = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


def _ascii(text: str) -> str:
    """Return `text` with each non-ASCII character as "?" (a separator): same length, and
    `str.translate` has a fast path for ASCII. Greek never gets here (it has its own path);
    other non-ASCII letters ("ö") become word breaks, identically in synonyms and texts."""
    return text if text.isascii() else text.encode("ascii", "replace").decode("ascii")


class Normalised:
    """A normalised string plus what is needed to map its positions back to the original."""

    __slots__ = ("original", "folded", "text", "_anchors", "_starts", "_spaced")

    def __init__(self, original: str):
        self.original = original
        self._anchors = None
        self._starts = None
        low = original.lower()
        if len(low) == len(original) and not _GREEK_SEARCH(low):
            # Fast path: separators become spaces in place (C-level translate), then runs of
            # spaces collapse (C-level split/join). Positions move only at those runs.
            self._spaced = _ascii(low).translate(_ASCII_TABLE)
            self.text = " ".join(self._spaced.split())
            self.folded = self.text if len(self.text) == len(original) else None
            return
        self._spaced = None
        self.folded = _fold(original)
        self.text = _CHANGES.sub(_replacement, self.folded) if _HAS_CHANGES(self.folded) else self.folded

    def title_end(self, length: int) -> int | None:
        """Return where the first `length` original characters end in `text` (fast path only)."""
        if self._spaced is None:
            return None
        return len(" ".join(self._spaced[:length].split()))

    def _build_anchors(self):
        if self._spaced is not None:
            # str.find is far quicker than a regex scan here; runs are short and few.
            spaced = self._spaced
            n = len(spaced.rstrip(" "))
            lead = len(spaced) - len(spaced.lstrip(" "))
            anchors = [(0, 0, 0, lead)] if lead else []  # leading separators vanish
            shift = lead
            i = spaced.find("  ", lead)
            while -1 < i < n:
                j = i + 2
                while spaced[j] == " ":
                    j += 1
                anchors.append((i - shift, 1, i, j))  # an inner run becomes one space
                shift += j - i - 1
                i = spaced.find("  ", j)
            self._anchors = anchors
            self._starts = [a[0] for a in anchors]
            return
        # Each anchor: (start in normalised text, length there, start in original, end in original).
        anchors, shift = [], 0
        for m in _CHANGES.finditer(self.folded):
            rep = _replacement(m)
            n_start = m.start() + shift
            if len(rep) == 1:
                anchors.append((n_start, 1, m.start(), m.end()))
            else:
                # " alpha beta ": spaces map to the separators, each name to its own letter.
                g = m.start() + len(m.group()) - len(m.group().lstrip(" "))
                anchors.append((n_start, 1, m.start(), g))
                pos = n_start + 1
                for letter in m.group().strip(" "):
                    name = GREEK[letter]
                    anchors.append((pos, len(name), g, g + 1))
                    anchors.append((pos + len(name), 1, g + 1, g + 1))
                    pos += len(name) + 1
                    g += 1
                n_last = anchors.pop()[0]
                anchors.append((n_last, 1, g, m.end()))
            shift += len(rep) - (m.end() - m.start())
        self._anchors = anchors
        self._starts = [a[0] for a in anchors]

    def to_original(self, pos: int, end: bool = False) -> int:
        """Return the original index for normalised index `pos` (an end index when `end`)."""
        if self.text is self.folded:
            return pos
        if self._anchors is None:
            self._build_anchors()
        i = bisect.bisect_right(self._starts, pos - 1 if end else pos) - 1
        if i < 0:
            return pos
        n_start, n_len, o_start, o_end = self._anchors[i]
        if pos < n_start + n_len or (end and pos == n_start + n_len):
            # Inside a replaced piece (a Greek name, a collapsed run): snap to its edges.
            return o_end if end else o_start
        return o_end + (pos - n_start - n_len)

    def span(self, start: int, end: int) -> tuple[int, int, str]:
        """Return (start, end, text) in the original string for a normalised span."""
        o_start, o_end = self.to_original(start), self.to_original(end, end=True)
        return o_start, o_end, self.original[o_start:o_end]


def _replacement(m: re.Match) -> str:
    s = m.group().strip(" ")
    return " " + " ".join(GREEK[c] for c in s) + " " if s else " "


def normalise(text: str) -> str:
    """Return the matching form of `text` (what synonyms are compiled to)."""
    return " ".join(Normalised(text).text.split())


def normalise_keep_case(text: str) -> str:
    """Return the matching form of `text` without case folding (for abbreviations)."""
    folded = text.translate(_FOLD)
    if _HAS_CHANGES(folded):
        folded = _CHANGES.sub(_replacement, folded)
    return " ".join(folded.split())
