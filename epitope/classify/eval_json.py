"""`classify-eval --json`: the facts of its tables as one JSON document.

The same figures as the text output (evaluate.format_table, cancer_eval.format_cancer_types,
format_targets), as numbers: precision, recall and F1 are null where the text shows "–".
"""

from __future__ import annotations

from . import learned
from .cancer_eval import MACRO_MIN_SUPPORT
from .cancer_eval import PRECISION_TARGET as CANCER_PRECISION_TARGET
from .cancer_eval import RECALL_TARGET as CANCER_RECALL_TARGET
from .evaluate import FACET_PRECISION_TARGET, POOLED, RELEVANCE_F1_TARGET
from .relevance_figures import RECALLS, precision_at_recall


def counts(c) -> dict:
    return {"support": c.support, "predicted": c.predicted, "hits": c.hits,
            "precision": c.precision, "recall": c.recall, "f1": c.f1}


def dataset(result, cancer, by_concept=False, errors=False) -> dict:
    """Return one evaluation set's figures: facets, relevance ranking, cancer type, targets."""
    scored = [(s, gold) for gold in (True, False) for s in result.scores[gold]]
    at_recall = {}
    for recall in RECALLS:
        found = precision_at_recall(scored, recall)
        at_recall[f"{recall:.1f}"] = None if found is None else {"precision": found[0], "threshold": found[1]}
    rel, pooled = result.rows["relevance"], result.rows[POOLED]
    macro_p, macro_r = cancer.macro()
    out = {
        "name": result.name, "records": result.records, "labelled": result.labelled,
        "relevant_gold": result.relevant_gold, "gold_rule": result.gold_rule, "in_training": result.in_training,
        "model": {"version": learned.model_info().get("version"), "threshold": learned.threshold()},
        "facets": {row: counts(c) for row, c in result.rows.items()},
        "relevance_precision_at_recall": at_recall,
        "keyword_rule": counts(result.keyword),
        "cancer_type": {
            "records": cancer.records, "title_only": cancer.title_only, "micro": counts(cancer.micro),
            "strict_micro": counts(cancer.strict), "title_only_micro": counts(cancer.micro_title_only),
            "macro": {"precision": macro_p, "recall": macro_r, "min_support": MACRO_MIN_SUPPORT},
        },
        "targets": {
            "relevance_f1": {"target": RELEVANCE_F1_TARGET, "value": rel.f1,
                             "met": rel.f1 is not None and rel.f1 >= RELEVANCE_F1_TARGET},
            "pooled_facet_precision": {"target": FACET_PRECISION_TARGET, "value": pooled.precision,
                                       "met": pooled.precision is not None
                                       and pooled.precision >= FACET_PRECISION_TARGET},
            "cancer_type": {"precision": CANCER_PRECISION_TARGET, "recall": CANCER_RECALL_TARGET},
        },
    }
    if by_concept:
        out["concepts"] = {row: {cid: counts(c) for (r, cid), c in sorted(result.concepts.items()) if r == row}
                           for row in result.rows if row not in ("relevance", POOLED)}
        out["cancer_type"]["concepts"] = {cid: counts(c) for cid, c in sorted(cancer.concepts.items())}
    if errors:
        out["errors"] = list(result.errors)
    return out
