"""The vocabulary's hand-weighted relevance score, in [0, 1]: one feature of the learned model.

It no longer decides relevance (`learned.py` does); it carries the vocabulary's weights for
therapies the training years never named into the model (see `learned.features`).

Two halves are scored separately — immune-therapy cues (modalities, checkpoint targets,
"immunotherapy", "T cells" …) and cancer cues (cancer types, "tumour", "carcinoma" …) — and
multiplied, so a paper needs both. Within a half each distinct concept adds evidence
noisy-OR style (1 − Π(1 − w)); a concept named again, or named in the title, or given by the
source's own subject headings counts more. Weights live in the vocabulary file.
"""

from __future__ import annotations

from collections import defaultdict

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


def vocabulary_score(vocabulary, found, cues, mentions, in_title, from_subject) -> float:
    """Return the score of the concepts a Tagger found: `found` maps (facet, id) to tags, `cues`
    holds cue ids, `mentions` counts, `in_title` / `from_subject` the ids named there."""
    concepts = vocabulary.concepts
    strengths: dict[str, list[float]] = defaultdict(list)
    for cid in cues.union(cid for _facet, cid in found):
        concept = concepts.get(cid)
        if concept is None or concept.side is None:
            continue
        strengths[concept.side].append(concept_strength(
            concept.weight, mentions.get(cid, 1), cid in in_title, cid in from_subject,
        ))
    return score(strengths)
