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
# A concept named once in the abstract counts 0.8 of its weight; repeats, the title and the
# source's own headings raise that, but a weak cue (weight 0.25) stays weak however often it
# is repeated — "immune" ten times does not make a paper immunology.
BASE = 0.8
REPEAT_BONUS = 0.1
MAX_REPEAT_BONUS = 2
TITLE_BONUS = 0.2
SUBJECT_BONUS = 0.3


def concept_strength(weight: float, mentions: int, in_title: bool, from_subject: bool) -> float:
    """Return one concept's contribution: its weight scaled by repetition, title and subjects."""
    if weight <= 0:
        return 0.0
    factor = BASE + REPEAT_BONUS * min(max(mentions - 1, 0), MAX_REPEAT_BONUS)
    factor += TITLE_BONUS * in_title + SUBJECT_BONUS * from_subject
    return min(weight * factor, 0.99)


def combine(strengths) -> float:
    """Noisy-OR: the chance at least one cue is right, if each were independent evidence."""
    miss = 1.0
    for s in strengths:
        miss *= 1.0 - s
    return 1.0 - miss


def score(evidence: dict[str, list[float]]) -> float:
    """Return relevance from {"immune": [strengths], "cancer": [strengths]}."""
    return combine(evidence.get("immune", ())) * combine(evidence.get("cancer", ()))
