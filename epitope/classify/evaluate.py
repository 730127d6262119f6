"""Score the classifier against labels derived from MeSH headings, the headings hidden from it.

For every record that carries MeSH headings, `mesh_map.gold_labels` gives the gold relevance and
facet concepts; the classifier sees only the title and the plain-text abstract. Facets are
scored micro-averaged over (record, concept) pairs, hierarchically: gold and predicted concepts
are both extended with their ancestors (so "nsclc" predicted for a "Lung Neoplasms" record
counts as "lung"), without the structural roots ("solid", "haematological", "phase", …).
Only concepts that the MeSH mapping can express are scored: a predicted "human-observational"
cannot be confirmed by any heading, so it is neither a hit nor a false alarm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import mesh_map
from .inputs import plain_text
from .relevance import THRESHOLD
from .tagger import Tagger, get_tagger

RELEVANCE_F1_TARGET = 0.90
FACET_PRECISION_TARGET = 0.95
_ROOTS = {"haematological", "solid", "phase", "model-system", "population", "article-type"}
# Scored facets: (row name, vocabulary facet, restrict to descendants of).
SCORED = [
    ("modality", "modality", None),
    ("cancer_type", "cancer_type", None),
    ("target", "target", None),
    ("evidence: phase", "evidence", "phase"),
    ("evidence: model system", "evidence", "model-system"),
    ("evidence: population", "evidence", "population"),
    ("evidence: review", "evidence", "article-type"),  # gold: publication type Review etc.
]


@dataclass
class Counts:
    gold: int = 0
    predicted: int = 0
    hits: int = 0

    @property
    def precision(self) -> float | None:
        return self.hits / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.hits / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if not p or not r:
            return 0.0 if (p is not None and r is not None) else None
        return 2 * p * r / (p + r)


@dataclass
class EvalResult:
    name: str
    records: int = 0
    labelled: int = 0
    relevant_gold: int = 0
    rows: dict[str, Counts] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    scores: dict[bool, list[float]] = field(default_factory=lambda: {True: [], False: []})


def load_records(paths) -> list:
    """Return the Records in the given files or folders (PubMed XML, Europe PMC JSON)."""
    from epitope.ingest.parse import parse_bytes

    files = []
    for path in map(Path, paths):
        files.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix in (".xml", ".json"))
                     if path.is_dir() else [path])
    records = []
    for file in files:
        records.extend(parse_bytes(file.read_bytes()))
    return records


def _closure(tagger: Tagger, concepts, within: str | None) -> set[str]:
    vocab = tagger.vocabulary
    out = set()
    for cid in concepts:
        chain = [cid, *vocab.ancestors(cid)]
        if within is not None and within not in chain:
            continue
        out.update(c for c in chain if c not in _ROOTS or c == cid)
    return out


def _expressible(tagger: Tagger) -> dict[str, set[str]]:
    """Return, per vocabulary facet, the concepts (with ancestors) some MeSH heading maps to."""
    out: dict[str, set[str]] = {}
    for refs in mesh_map.HEADING_CONCEPTS.values():
        for ref in refs:
            facet, _, cid = ref.partition(":")
            out.setdefault(facet, set()).update(_closure(tagger, [cid], None))
    return out


def evaluate(records, name: str = "records", tagger: Tagger | None = None) -> EvalResult:
    """Classify each labelled record without its headings and count hits per facet."""
    tagger = tagger or get_tagger()
    expressible = _expressible(tagger)
    result = EvalResult(name=name, records=len(records))
    result.rows = {"relevance": Counts(), **{row: Counts() for row, _, _ in SCORED}}
    for record in records:
        headings = list(record.subjects)
        if not headings:
            continue
        result.labelled += 1
        gold = mesh_map.gold_labels(headings + list(record.extra.get("publication_types", [])))
        predicted = tagger.classify(record.title, plain_text(record.summary))
        result.scores[gold["relevant"]].append(predicted.relevance)
        rel = result.rows["relevance"]
        rel.gold += gold["relevant"]
        rel.predicted += predicted.relevant
        rel.hits += gold["relevant"] and predicted.relevant
        result.relevant_gold += gold["relevant"]
        if gold["relevant"] != predicted.relevant:
            result.errors.append(
                f"relevance {'missed' if gold['relevant'] else 'false alarm'} "
                f"({predicted.relevance:.2f}): {record.identity()} {record.title[:70]}"
            )
        for row, facet, within in SCORED:
            scope = expressible.get(facet, set())
            g = _closure(tagger, gold["facets"].get(facet, ()), within) & scope
            p = _closure(tagger, predicted.concepts(facet), within) & scope
            counts = result.rows[row]
            counts.gold += len(g)
            counts.predicted += len(p)
            counts.hits += len(g & p)
            for cid in sorted(p - g):
                result.errors.append(f"{row} false alarm {cid}: {record.identity()} {_why(predicted, facet, cid)}")
            for cid in sorted(g - p):
                result.errors.append(f"{row} missed {cid}: {record.identity()} {record.title[:60]}")
    return result


def _why(classification, facet: str, cid: str) -> str:
    for tag in classification.facets.get(facet, []):
        if tag.concept == cid or cid in (tag.concept,):
            return "; ".join(repr(s.text) for s in tag.spans[:3])
    return "(via a narrower concept)"


def _fmt(value: float | None) -> str:
    return "   –" if value is None else f"{value:.2f}"


def format_table(result: EvalResult) -> str:
    """Return the per-facet precision/recall/F1 table for one evaluation run."""
    lines = [
        f"{result.name}: {result.records} records, {result.labelled} with MeSH labels, "
        f"{result.relevant_gold} labelled relevant",
        f"{'facet':<24} {'gold':>5} {'pred':>5} {'hits':>5} {'prec':>5} {'rec':>5} {'F1':>5}",
    ]
    for row, c in result.rows.items():
        lines.append(
            f"{row:<24} {c.gold:>5} {c.predicted:>5} {c.hits:>5} "
            f"{_fmt(c.precision):>5} {_fmt(c.recall):>5} {_fmt(c.f1):>5}"
        )
    positives, negatives = result.scores[True], result.scores[False]
    lines.append(
        f"relevance scores (threshold {THRESHOLD}): labelled relevant "
        f"{', '.join(f'{s:.2f}' for s in sorted(positives)) or 'none'}; labelled not relevant: "
        f"{sum(s >= THRESHOLD for s in negatives)} of {len(negatives)} at or above, top "
        f"{', '.join(f'{s:.2f}' for s in sorted(negatives, reverse=True)[:3]) or 'none'}"
    )
    return "\n".join(lines)


def format_targets(results) -> str:
    """Return how each run compares with the targets (relevance F1, facet precision)."""
    lines = [f"targets: relevance F1 >= {RELEVANCE_F1_TARGET}, facet precision >= {FACET_PRECISION_TARGET}"]
    for result in results:
        rel = result.rows["relevance"]
        facet_counts = [c for row, c in result.rows.items() if row != "relevance"]
        predicted = sum(c.predicted for c in facet_counts)
        precision = sum(c.hits for c in facet_counts) / predicted if predicted else None
        rel_f1 = rel.f1
        lines.append(
            f"  {result.name}: relevance F1 {_fmt(rel_f1)} "
            f"({'met' if rel_f1 is not None and rel_f1 >= RELEVANCE_F1_TARGET else 'NOT met'}"
            f"{'; only ' + str(rel.gold) + ' relevant record(s) labelled' if rel.gold < 10 else ''}), "
            f"pooled facet precision {_fmt(precision)} "
            f"({'met' if precision is not None and precision >= FACET_PRECISION_TARGET else 'NOT met'})"
        )
    return "\n".join(lines)


def default_datasets(base: Path) -> list[tuple[str, list[Path]]]:
    """Return the evaluation sets shipped with the repository: PubMed (tuning), Europe PMC (held out)."""
    data = base / "tests" / "testdata" / "classify"
    return [
        ("pubmed (tuning set)", [data / "pubmed"]),
        ("europepmc (held out)", [data / "europepmc" / "search_cancer_core.json"]),
    ]
