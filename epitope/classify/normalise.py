"""Normalise text for matching, keeping a map back to the original characters.

The matcher sees a lower-cased string in which every run of non-alphanumeric characters
(spaces, hyphens, en dashes, slashes, brackets, punctuation; also non-ASCII letters other than
Greek) is one space, and Greek letters become their names ("TGF-β" → "tgf beta", "IFNγ" →
"ifn gamma"). Synonyms go through the same function, so both sides agree.

Speed matters (the throughput target is 10,000 abstracts/s on one core), so the work is done by
C-level `str.lower`, `str.translate` and `str.split`/`join`. Positions move only where a run of
separators collapses (", ", ") ") or a Greek letter expands; those few places are recorded
lazily — only when a hit needs its span mapped back — and positions in between shift by a
constant.
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

_GREEK_RE = re.compile("[" + "".join(GREEK) + "]")
_ASCII_TABLE = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


def _ascii(text: str) -> str:
    """Return `text` with each non-ASCII character as "?" (a separator): same length, and
    `str.translate` has a fast path for ASCII. Greek letters are expanded before this; other
    non-ASCII letters ("ö") become word breaks, identically in synonyms and texts."""
    return text if text.isascii() else text.encode("ascii", "replace").decode("ascii")


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) != len(text):  # "İ" lowers to two characters: keep every position aligned
        low = "".join(c if len(c) == 1 else ch for ch, c in zip(text, map(str.lower, text)))
    return low


def _expand_greek(text: str) -> tuple[str, list[tuple[int, int, int]]]:
    """Return `text` with Greek letters as " name ", and (expanded start, expanded end, original
    index) for each letter."""
    pieces, letters, last, shift = [], [], 0, 0
    for m in _GREEK_RE.finditer(text):
        name = f" {GREEK[m.group()]} "
        pieces.append(text[last:m.start()])
        pieces.append(name)
        start = m.start() + shift
        letters.append((start, start + len(name), m.start()))
        shift += len(name) - 1
        last = m.end()
    pieces.append(text[last:])
    return "".join(pieces), letters


class Normalised:
    """A normalised string plus what is needed to map its positions back to the original."""

    __slots__ = ("original", "text", "_spaced", "_letters", "_anchors", "_starts", "_identity")

    def __init__(self, original: str):
        self.original = original
        self._anchors = self._starts = None
        low = _lower_same_length(original)
        self._letters = None
        if _GREEK_RE.search(low):
            low, self._letters = _expand_greek(low)
        # Separators become spaces in place, then runs of spaces collapse: both at C speed.
        self._spaced = _ascii(low).translate(_ASCII_TABLE)
        self.text = " ".join(self._spaced.split())
        self._identity = self._letters is None and len(self.text) == len(original)

    def title_end(self, length: int) -> int | None:
        """Return where the first `length` original characters end in `text` (None: unknown)."""
        if self._letters is not None:
            return None
        return len(" ".join(self._spaced[:length].split()))

    def _build_anchors(self):
        # Each anchor: (start in text, length there, start in spaced, end in spaced). str.find is
        # far quicker than a regex scan here; runs are short and few.
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

    def _to_spaced(self, pos: int, end: bool) -> int:
        if self._anchors is None:
            self._build_anchors()
        i = bisect.bisect_right(self._starts, pos - 1 if end else pos) - 1
        if i < 0:
            return pos
        n_start, n_len, o_start, o_end = self._anchors[i]
        if pos < n_start + n_len or (end and pos == n_start + n_len):
            return o_end if end else o_start  # inside a collapsed run: snap to its edge
        return o_end + (pos - n_start - n_len)

    def _to_unexpanded(self, pos: int, end: bool) -> int:
        letters = self._letters
        i = bisect.bisect_right(letters, (pos - 1 if end else pos, float("inf"))) - 1
        if i < 0:
            return pos
        e_start, e_end, original = letters[i]
        if pos < e_end or (end and pos == e_end):
            return original + 1 if end else original  # inside " beta ": the letter itself
        return original + 1 + (pos - e_end)

    def to_original(self, pos: int, end: bool = False) -> int:
        """Return the original index for normalised index `pos` (an end index when `end`)."""
        if self._identity:
            return pos
        pos = self._to_spaced(pos, end)
        return pos if self._letters is None else self._to_unexpanded(pos, end)

    def span(self, start: int, end: int) -> tuple[int, int, str]:
        """Return (start, end, text) in the original string for a normalised span."""
        o_start, o_end = self.to_original(start), self.to_original(end, end=True)
        return o_start, o_end, self.original[o_start:o_end]


def normalise(text: str) -> str:
    """Return the matching form of `text` (what synonyms are compiled to)."""
    return Normalised(text).text


def normalise_keep_case(text: str) -> str:
    """Return the matching form of `text` without case folding (for abbreviations)."""
    if _GREEK_RE.search(text):
        text = _expand_greek(text)[0]
    return " ".join(_ascii(text).translate(_ASCII_TABLE).split())
