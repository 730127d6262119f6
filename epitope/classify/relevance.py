"""Score how much a text is about cancer immunology, in [0, 1].

Two halves are scored separately — immune-therapy cues (modalities, checkpoint targets,
"immunotherapy", "T cells" …) and cancer cues (cancer types, "tumour", "carcinoma" …) — and
multiplied, so a paper needs both. Within a half each distinct concept adds evidence
noisy-OR style (1 − Π(1 − w)); a concept named again, or named in the title, or given by the
source's own subject headings counts more. Weights live in the vocabulary file.
"""

from __future__ import annotations

# Tuned on the PubMed fixtures (see `epitope classify-eval`): with cue weights as in the
# vocabulary, genuine immuno-oncology abstracts score ≥ 0.7 and cancer papers that only
# mention "immune" in passing stay below 0.4.
THRESHOLD = 0.5
TITLE_BOOST = 1.5
SUBJECT_BOOST = 1.6
MAX_REPEATS = 4


def concept_strength(weight: float, mentions: int, in_title: bool, from_subject: bool) -> float:
    """Return one concept's contribution: its weight raised by repetition, title and subjects."""
    if weight <= 0:
        return 0.0
    exponent = 1.0 + 0.5 * (min(mentions, MAX_REPEATS) - 1)
    if in_title:
        exponent *= TITLE_BOOST
    if from_subject:
        exponent *= SUBJECT_BOOST
    return 1.0 - (1.0 - min(weight, 0.999)) ** exponent


def combine(strengths) -> float:
    """Noisy-OR: the chance at least one cue is right, if each were independent evidence."""
    miss = 1.0
    for s in strengths:
        miss *= 1.0 - s
    return 1.0 - miss


def score(evidence: dict[str, list[float]]) -> float:
    """Return relevance from {"immune": [strengths], "cancer": [strengths]}."""
    return combine(evidence.get("immune", ())) * combine(evidence.get("cancer", ()))
