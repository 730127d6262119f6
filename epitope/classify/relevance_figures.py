"""Relevance figures beyond one threshold: precision at a given recall, and the keyword rule beside.

The model ranks records by its probability; an editor reading the top of that ranking cares how
clean it is when it has found half, 70 % or 90 % of what is relevant. Those figures say how
good the ranking is whatever threshold is stored.
"""

from __future__ import annotations

RECALLS = (0.5, 0.7, 0.9)


def precision_at_recall(scored, recall: float) -> tuple[float, float] | None:
    """Return (precision, threshold) of the highest threshold whose recall reaches `recall`.

    `scored` holds (score, gold) pairs. Tied scores are taken together: a threshold cannot split
    them. None when nothing is labelled relevant.
    """
    total = sum(1 for _, gold in scored if gold)
    if not total:
        return None
    ranked = sorted(scored, key=lambda pair: -pair[0])
    hits = taken = 0
    for i, (score, gold) in enumerate(ranked):
        hits += bool(gold)
        taken += 1
        if i + 1 < len(ranked) and ranked[i + 1][0] == score:
            continue
        if hits / total >= recall - 1e-12:
            return hits / taken, score
    return None


def format_rows(scored, keyword) -> list[str]:
    """Return the lines: precision at recall 0.5 / 0.7 / 0.9, and the keyword rule's P/R/F1.

    `keyword` is a Counts-like object (precision, recall, f1, predicted, hits) for the rule.
    """
    lines = []
    for recall in RECALLS:
        found = precision_at_recall(scored, recall)
        if found is None:
            lines.append(f"relevance precision at recall {recall:.1f}: –")
        else:
            precision, threshold = found
            lines.append(f"relevance precision at recall {recall:.1f}: {precision:.2f} (probability >= {threshold:.3f})")
    p, r, f = keyword.precision, keyword.recall, keyword.f1
    fmt = lambda v: "–" if v is None else f"{v:.2f}"  # noqa: E731
    lines.append(f"keyword rule (a cancer word and an immune word): precision {fmt(p)} recall {fmt(r)} "
                 f"F1 {fmt(f)} ({keyword.hits} of {keyword.predicted} flagged)")
    return lines
