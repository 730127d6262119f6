"""The evidence that is a pattern rather than a word list, and the badge a card shows for it.

Trial phases ("Phase I/II", "phase 1b") and stated patient numbers ("24 patients", "n = 118");
the badge ("Phase 1/2 trial", "Mouse study") names the strongest evidence a record carries.
"""

from __future__ import annotations

import re

from .classification import Span

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_PHASE_NUM = r"(iv|iii|ii|i|[1-4])[ab]?"
PHASE_RE = re.compile(
    rf"\bphase[\s\-‐–]*{_PHASE_NUM}(?:\s*(?:/|-|‐|–|and|or|to)\s*(?:phase\s*)?{_PHASE_NUM})?\b",
    re.IGNORECASE,
)
_QUALIFIERS = frozenset("""
    adult paediatric pediatric evaluable eligible consecutive enrolled treated heavily pretreated
    previously newly diagnosed unselected randomised randomized chinese japanese european american
    korean female male elderly older eligible additional
""".split())
_NOUNS = "|".join(
    f"[{w[0]}{w[0].upper()}]{w[1:]}"
    for w in "patients participants subjects children adults individuals volunteers cases women men".split()
)
# Starts with a digit, words between are plain letters: cheap to scan. Which words may stand
# between the number and the noun ("36 previously treated patients") is checked in Python.
_NOUN_STEMS = ("atients", "articipants", "ubjects", "hildren", "dults", "ndividuals", "olunteers",
               "cases", "CASES", "ATIENTS", "omen", "OMEN", " men", " MEN")
PATIENTS_RE = re.compile(rf"(\d[\d,]*) ((?:[A-Za-z]+ ){{0,2}})(?:{_NOUNS})\b")
_NUMBER_FORM = re.compile(r"\d{1,3}(?:,\d{3})+|\d{1,7}").fullmatch
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d{1,7})"
N_EQUALS_RE = re.compile(rf"=\s*{_NUMBER}\b")


def phase_numbers(match: re.Match) -> list[int]:
    """Return the phases a PHASE_RE match names: "Phase I/II" → [1, 2]."""
    out = []
    for group in match.groups():
        if group:
            g = group.lower()
            out.append(_ROMAN.get(g) or int(g))
    return sorted(set(out))


# "phase 3" of a reaction or a project is not a trial: the words around must say trial/study.
_TRIAL_CONTEXT = re.compile(
    r"trial|stud(?:y|ies)|clinical|randomi[sz]ed|open[- ]label|cohort|patients|participants|"
    r"dose|multicent(?:er|re)|single[- ]arm|double[- ]blind|placebo",
    re.IGNORECASE,
)
_CONTEXT_CHARS = 80


def find_phases(text: str, field_name: str = "text") -> dict[int, list[Span]]:
    """Return {phase number: spans} for every trial phase stated in `text`."""
    found: dict[int, list[Span]] = {}
    if "hase" not in text and "HASE" not in text:  # cheap skip: most texts never mention a phase
        return found
    for m in PHASE_RE.finditer(text):
        context = text[max(0, m.start() - _CONTEXT_CHARS):m.end() + _CONTEXT_CHARS]
        if not _TRIAL_CONTEXT.search(context):
            continue
        for n in phase_numbers(m):
            found.setdefault(n, []).append(Span(m.start(), m.end(), m.group(), field_name))
    return found


COUNT_NOUNS = ("patients", "participants", "subjects", "children", "adults", "individuals",
               "volunteers", "cases", "women", "men")
_COUNT_BEFORE = re.compile(r"(\d[\d,]*) ((?:[A-Za-z]+ ){0,2})$")


def _count_ok(text: str, m: re.Match) -> bool:
    if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] in ".,"):
        return False  # "3.24 patients", "CD824 patients": the number is part of something else
    if not _NUMBER_FORM(m.group(1)):
        return False
    # "36 previously treated patients" counts patients; "3 cohorts of patients" counts cohorts.
    return not m.group(2) or all(w.lower() in _QUALIFIERS for w in m.group(2).split())


def find_patient_counts(text: str, field_name: str = "text", nouns=None) -> list[tuple[int, Span]]:
    """Return (count, span) for each stated number of patients: "24 patients", "n = 118".

    `nouns`, when the caller's automaton already found them, is a list of (start, end) of the
    words "patients", "participants" … in `text`; only the few characters before each are then
    searched, instead of the whole text.
    """
    out = []
    if nouns is None:
        has_noun = any(map(text.__contains__, _NOUN_STEMS))  # C-speed test before the regex scan
        for m in PATIENTS_RE.finditer(text) if has_noun else ():
            if _count_ok(text, m):
                out.append((m.start(), m.end(), m.group(1)))
    else:
        for start, end in nouns:
            m = _COUNT_BEFORE.search(text, max(0, start - 48), start)
            if m and _count_ok(text, m):
                out.append((m.start(), end, m.group(1)))
    if "=" in text:
        for m in N_EQUALS_RE.finditer(text):
            head = text[:m.start()].rstrip()
            if head[-1:] in ("n", "N") and not head[-2:-1].isalnum():
                start = len(head) - 1
                out.append((start, m.end(), m.group(1)))
    counts = []
    for start, end, digits in sorted(out):
        number = int(digits.replace(",", ""))
        if 0 < number < 10_000_000:
            counts.append((number, Span(start, end, text[start:end], field_name)))
    return counts


# Badge precedence: the strongest kind of evidence a reader would want to know about first.
_BADGES = [
    ("human-trial", "Human trial"),
    ("human-observational", "Patient study"),
    ("humanised-mouse", "Mouse study"),
    ("mouse", "Mouse study"),
    ("organoid", "Organoid study"),
    ("in-vitro", "Lab study"),
    ("computational", "Computational study"),
]


def evidence_badge(evidence: list[str]) -> str | None:
    """Return the card badge for a list of evidence concept ids ("Phase 1/2 trial", "Mouse study").

    A review comes first: a review that cites phase 1 results is not a phase 1 trial.
    """
    if "review" in evidence:
        return "Review"
    phases = sorted(int(c.split("-")[1]) for c in evidence if c.startswith("phase-") and c[6:].isdigit())
    if phases:
        return "Phase " + "/".join(str(p) for p in phases) + " trial"
    present = set(evidence)
    for concept, badge in _BADGES:
        if concept in present:
            return badge
    return None
