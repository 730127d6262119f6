"""One record under analysis by the tagger (`tagger.Tagger`): its text, what has been found in
it so far, and the steps that read the whole text rather than the vocabulary's hits (trial
phases, patient counts, the words the relevance model reads)."""

from __future__ import annotations

from collections import defaultdict

from .classification import Span, Tag
from .evidence import find_patient_counts, find_phases
from .normalise import Normalised, normalise


class Analysis:
    """One record under analysis: its text and what has been found in it so far."""

    __slots__ = ("title", "text", "joined", "_gap", "_label", "found", "cues", "mentions", "in_title",
                 "from_subject", "patients", "words")

    def __init__(self, title: str, text: str, label):
        # Title and text are matched as one string (one normalisation, one automaton pass, one
        # offset map); each hit is then given back to its field. "\n\n" keeps them apart.
        self.title, self.text = title, text
        self.joined = f"{title}\n\n{text}"
        self._gap = len(title) + 2
        self._label = label
        self.found: dict[tuple[str, str], Tag] = {}
        self.cues: set[str] = set()  # cue concepts only count towards relevance: no spans kept
        self.mentions: dict[str, int] = defaultdict(int)
        self.in_title: set[str] = set()
        self.from_subject: set[str] = set()
        self.patients: int | None = None
        self.words: tuple[list[str], list[str]] = ([], [])

    def add(self, facet, cid, span, source) -> None:
        tag = self.found.get((facet, cid))
        if tag is None:
            tag = self.found[(facet, cid)] = Tag(cid, self._label(cid), [], source)
        elif source == "text" and tag.source == "subject":
            tag.source = "text"
        tag.spans.append(span)

    def locate(self, o_start, o_end):
        """Return (field, start, end) in that field of a range of `joined`."""
        if o_end <= len(self.title):
            return "title", o_start, o_end
        if o_start >= self._gap:
            return "text", o_start - self._gap, o_end - self._gap
        return None, 0, 0  # straddles the gap: not one phrase


def words_of(norm: Normalised, title: str, title_end: int | None) -> tuple[list[str], list[str]]:
    """Return the words of title and text, for the relevance model: the normalisation already done."""
    all_words = norm.text.split()
    title_words = (norm.text[:title_end] if title_end is not None else normalise(title)).split()
    return title_words, all_words[len(title_words):]


def add_phases(record: Analysis) -> None:
    """Tag the trial phases the text states ("phase II", "phase 1/2")."""
    for phase, spans in find_phases(record.joined).items():
        for span in spans:
            field_name, f_start, f_end = record.locate(span.start, span.end)
            if field_name:
                record.add("evidence", f"phase-{phase}", Span(f_start, f_end, span.text, field_name), "text")


def count_patients(record: Analysis, nouns) -> None:
    """Tag the patient counts the text states; the largest is the record's number of patients."""
    patients = None
    for number, span in find_patient_counts(record.joined, nouns=nouns):
        field_name, f_start, f_end = record.locate(span.start, span.end)
        if field_name:
            record.add("evidence", "patient-count", Span(f_start, f_end, span.text, field_name), "text")
            patients = max(patients or 0, number)
    if patients is not None:
        tag = record.found[("evidence", "patient-count")]
        tag.value, tag.label = patients, f"{patients} patients"
    record.patients = patients
