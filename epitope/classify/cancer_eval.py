"""Score the cancer-type facet against the MeSH neoplasm headings, micro and macro.

Gold: the record's MeSH descriptors mapped to cancer-type concepts (`mesh_map.HEADING_CONCEPTS`),
hidden from the classifier, which reads only the title and plain-text abstract. Scoring is
hierarchical as in `evaluate`: gold and predicted concepts are extended with their ancestors
(a predicted "nsclc" on a "Lung Neoplasms" record counts as "lung"), without the structural roots
("solid", "haematological") unless a heading maps to the root itself, and only concepts some
heading can express are scored.

Headings of the 1970s are often broader than the vocabulary: "Leukemia, Lymphoid" is all that
marks a chronic lymphocytic leukaemia paper of 1978, "Liver Neoplasms, Experimental" a hepatoma
one. Such a heading can neither confirm nor refute a narrower prediction ("cll", "hcc"), so a
predicted concept below a gold concept that has no gold concept beneath it is scored at the gold
concept's depth (its hit on the gold concept counts; the narrower part is not scored). `strict`
counts them as false alarms anyway, and is printed beside.

Micro figures pool every (record, concept) pair; macro figures average the per-concept precision
and recall over the concepts with at least `MACRO_MIN_SUPPORT` gold records (a concept seen once
or twice would swing the average on one record).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import mesh_map
from .evaluate import Counts, Example, _closure, _expressible, labelled_examples
from .tagger import Tagger, get_tagger

MACRO_MIN_SUPPORT = 5
PRECISION_TARGET = 0.95
RECALL_TARGET = 0.70


@dataclass
class CancerTypeResult:
    records: int = 0
    title_only: int = 0
    micro: Counts = field(default_factory=Counts)
    micro_title_only: Counts = field(default_factory=Counts)
    strict: Counts = field(default_factory=Counts)
    concepts: dict[str, Counts] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def macro(self, min_support: int = MACRO_MIN_SUPPORT) -> tuple[float | None, float | None]:
        """Return (macro precision, macro recall) over concepts with `min_support` gold records."""
        rows = [c for c in self.concepts.values() if c.support >= min_support]
        precisions = [c.precision if c.predicted else 0.0 for c in rows]
        recalls = [c.recall for c in rows]
        if not rows:
            return None, None
        return sum(precisions) / len(rows), sum(recalls) / len(rows)


def gold_cancer_types(headings) -> set[str]:
    """Return the cancer-type concepts the MeSH descriptors among `headings` map to."""
    return set(mesh_map.gold_labels(headings)["facets"].get("cancer_type", ()))


def evaluate_cancer_types(examples: list[Example], tagger: Tagger | None = None) -> CancerTypeResult:
    """Classify each example from its title and text alone and count cancer-type hits."""
    tagger = tagger or get_tagger()
    scope = _expressible(tagger).get("cancer_type", set())
    result = CancerTypeResult()
    for example in examples:
        result.records += 1
        title_only = not example.text.strip()
        result.title_only += title_only
        gold = _closure(tagger, gold_cancer_types(example.headings), None) & scope
        classification = tagger.classify(example.title, example.text)
        predicted = _closure(tagger, classification.concepts("cancer_type"), None) & scope
        result.strict.add(gold, predicted)
        predicted = _at_gold_depth(tagger, gold, predicted)
        result.micro.add(gold, predicted)
        if title_only:
            result.micro_title_only.add(gold, predicted)
        for cid in gold | predicted:
            result.concepts.setdefault(cid, Counts()).add(gold & {cid}, predicted & {cid})
        for cid in sorted(predicted - gold):
            result.errors.append(f"false alarm {cid}: {example.identity} {example.title[:90]}")
        for cid in sorted(gold - predicted):
            result.errors.append(f"missed {cid}: {example.identity} {example.title[:90]}")
    return result


def _at_gold_depth(tagger: Tagger, gold: set[str], predicted: set[str]) -> set[str]:
    """Return `predicted` without the concepts narrower than what the gold headings could say."""
    vocab = tagger.vocabulary
    leaves = {g for g in gold if not any(g in vocab.ancestors(o) for o in gold)}
    out = set()
    for cid in predicted:
        if cid not in gold and any(a in leaves for a in vocab.ancestors(cid)):
            continue
        out.add(cid)
    return out


def evaluate_records(records, tagger: Tagger | None = None) -> CancerTypeResult:
    """Return the cancer-type scores of parsed records (those that carry index terms)."""
    return evaluate_cancer_types(labelled_examples(records), tagger)


def _fmt(value: float | None) -> str:
    return "   –" if value is None else f"{value:.2f}"


def format_cancer_types(result: CancerTypeResult, by_concept: bool = True) -> str:
    """Return the micro/macro table, per concept with support, and the target verdict."""
    macro_p, macro_r = result.macro()
    micro = result.micro
    title = result.micro_title_only
    lines = [
        f"cancer type: {result.records} records ({result.title_only} title-only)",
        f"  micro precision {_fmt(micro.precision)} recall {_fmt(micro.recall)} F1 {_fmt(micro.f1)} "
        f"({micro.hits} hits, {micro.predicted} predicted, {micro.support} gold)",
        f"  strict micro (narrower than the headings counted as false alarms): precision "
        f"{_fmt(result.strict.precision)} recall {_fmt(result.strict.recall)}",
        f"  macro precision {_fmt(macro_p)} recall {_fmt(macro_r)} "
        f"(concepts with >= {MACRO_MIN_SUPPORT} gold records)",
        f"  title-only records: precision {_fmt(title.precision)} recall {_fmt(title.recall)} "
        f"({title.support} gold)",
    ]
    for name, p, r in (("micro", micro.precision, micro.recall), ("macro", macro_p, macro_r)):
        met = p is not None and r is not None and p >= PRECISION_TARGET and r >= RECALL_TARGET
        lines.append(f"  target precision >= {PRECISION_TARGET} at recall >= {RECALL_TARGET} ({name}): "
                     f"{'met' if met else 'NOT met'}")
    if by_concept:
        lines.append(f"  {'concept':<24} {'support':>7} {'pred':>5} {'hits':>5} {'prec':>5} {'rec':>5}")
        for cid, c in sorted(result.concepts.items(), key=lambda kv: (-kv[1].support, kv[0])):
            lines.append(f"  {cid:<24} {c.support:>7} {c.predicted:>5} {c.hits:>5} "
                         f"{_fmt(c.precision):>5} {_fmt(c.recall):>5}")
    return "\n".join(lines)
