"""Score the classifier against labels derived from the sources' own indexing, hidden from it.

Every real record that carries index terms is a labelled example: PubMed and Europe PMC records
their MeSH headings (with qualifiers) and publication types, ClinicalTrials.gov studies the MeSH
terms of their conditions and interventions (`derivedSection`), their phases and study type.
`mesh_map.gold_labels` turns those into gold relevance and facet concepts; the classifier sees
only the title and the plain-text abstract (or brief summary).

Facets are scored micro-averaged over (record, concept) pairs, hierarchically: gold and predicted
concepts are both extended with their ancestors (so "nsclc" predicted for a "Lung Neoplasms"
record counts as "lung"), without the structural roots ("solid", "haematological", "phase", …).
Only concepts that the mapping can express are scored: a predicted "human-observational"
cannot be confirmed by any heading, so it is neither a hit nor a false alarm.

The shipped data is split once, by source, into a tuning part (PubMed: the vocabulary and the
relevance weights were tuned looking at its errors) and a held-out part (Europe PMC, trial
registry: looked at only to report).

MEDLINE baseline files (`medline*` or `pubmed<yy>n<nnnn>*` by name, or `label_rule=True`) take
their relevance gold from the documented label rule (`label_rule.py`) instead, as the relevance
model's training does. Relevance is also scored as a ranking (precision at recall 0.5 / 0.7 /
0.9 of the model's probability) with the keyword rule's figures beside it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from epitope.ingest.parse import parse_bytes
from epitope.ingest.records import IngestError
from epitope.ingest.xmlsafe import parse_xml

from . import label_rule, learned, mesh_map
from .inputs import plain_text
from .relevance_figures import format_rows
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
POOLED = "all facets (pooled)"


@dataclass
class Counts:
    support: int = 0  # gold positives
    predicted: int = 0
    hits: int = 0

    @property
    def precision(self) -> float | None:
        return self.hits / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.hits / self.support if self.support else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if not p or not r:
            return 0.0 if (p is not None and r is not None) else None
        return 2 * p * r / (p + r)

    def add(self, gold: set, predicted: set) -> None:
        self.support += len(gold)
        self.predicted += len(predicted)
        self.hits += len(gold & predicted)


@dataclass
class Example:
    """One labelled record: what the classifier reads, and the headings the labels come from."""

    identity: str
    title: str
    text: str
    headings: list[str]
    source: str


@dataclass
class EvalResult:
    name: str
    records: int = 0
    labelled: int = 0
    relevant_gold: int = 0
    rows: dict[str, Counts] = field(default_factory=dict)
    concepts: dict[tuple[str, str], Counts] = field(default_factory=dict)  # (row, concept) → counts
    errors: list[str] = field(default_factory=list)
    scores: dict[bool, list[float]] = field(default_factory=lambda: {True: [], False: []})
    keyword: Counts = field(default_factory=Counts)  # the keyword rule's relevance, same records
    gold_rule: str = "index terms (mesh_map.gold_labels)"
    in_training: bool = False  # the shipped model was trained on this file: not held-out figures


# -- reading labelled records --------------------------------------------------------------------
def _files(paths) -> list[Path]:
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix in (".xml", ".json", ".gz")))
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"classify-eval: no such file or folder: {path}")
    return files


def load_records(paths) -> list:
    """Return the Records in the given files or folders (PubMed XML, Europe PMC / trial JSON)."""
    records = []
    for file in _files(paths):
        try:
            data = file.read_bytes()
            records.extend(parse_bytes(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data))
        except IngestError as exc:
            raise IngestError(f"{file}: {exc}") from None
    return records


_BASELINE_NAME = re.compile(r"^(?:medline|pubmed\d\dn\d{4})", re.IGNORECASE)


def uses_label_rule(paths) -> bool:
    """Return True when the files are MEDLINE baseline files, labelled by the documented rule."""
    files = _files(paths)
    return bool(files) and all(_BASELINE_NAME.match(f.name) for f in files)


def trained_on(paths) -> bool:
    """Return True when any of the files is one the shipped relevance model was trained on."""
    shipped = {entry.get("sha256") for entry in learned.model_info().get("trained_on") or ()}
    return any(hashlib.sha256(f.read_bytes()).hexdigest() in shipped for f in _files(paths)
               if f.stat().st_size < 1 << 30)


def _pubmed_headings(record) -> list[str]:
    raw = record.raw if isinstance(record.raw, bytes) else str(record.raw).encode()
    if not raw:
        return list(record.subjects)
    root = parse_xml(raw)
    out = []
    for heading in root.iter("MeshHeading"):
        descriptor = "".join(heading.findtext("DescriptorName") or "").strip()
        qualifiers = [(q.text or "").strip() for q in heading.iterfind("QualifierName")]
        if descriptor:
            out.append("/".join([descriptor, *filter(None, qualifiers)]))
    return out


def _europepmc_headings(record) -> list[str]:
    raw = json.loads(record.raw) if record.raw else {}
    out = []
    for heading in (raw.get("meshHeadingList") or {}).get("meshHeading") or []:
        qualifiers = [q.get("qualifierName", "") for q in (heading.get("meshQualifierList") or {}).get("meshQualifier", [])]
        if heading.get("descriptorName"):
            out.append("/".join([heading["descriptorName"], *filter(None, qualifiers)]))
    return out or list(record.subjects)


def _trial_headings(record) -> tuple[list[str], list[str]]:
    """Return (MeSH terms of conditions and interventions, phases, study type and CHILD age group)."""
    study = json.loads(record.raw) if record.raw else {}
    derived = study.get("derivedSection", {})
    meshes = [m.get("term", "") for module in ("conditionBrowseModule", "interventionBrowseModule")
              for m in derived.get(module, {}).get("meshes", [])]
    design = study.get("protocolSection", {}).get("designModule", {})
    design_labels = list(design.get("phases", []))
    if design.get("studyType") == "INTERVENTIONAL":
        design_labels.append("INTERVENTIONAL")
    if "CHILD" in study.get("protocolSection", {}).get("eligibilityModule", {}).get("stdAges", []):
        design_labels.append("CHILD")
    return [m for m in meshes if m], design_labels


def labelled_examples(records) -> list[Example]:
    """Return the records that carry index terms, with the headings their labels come from."""
    out = []
    for record in records:
        if record.source_format == "ctgov":
            meshes, design = _trial_headings(record)
            if not meshes:
                continue  # a study without derived MeSH terms has no cancer/immune label
            headings = meshes + design
        else:
            mesh = _pubmed_headings(record) if record.source_format == "pubmed" else _europepmc_headings(record)
            if not mesh:
                continue
            headings = mesh + list(record.extra.get("publication_types", []))
        out.append(Example(record.identity(), record.title, plain_text(record.summary), headings,
                           record.source_format))
    return out


# -- scoring --------------------------------------------------------------------------------------
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
    """Return, per vocabulary facet, the concepts (with ancestors) some heading maps to."""
    out: dict[str, set[str]] = {}
    for refs in mesh_map.HEADING_CONCEPTS.values():
        for ref in refs:
            facet, _, cid = ref.partition(":")
            out.setdefault(facet, set()).update(_closure(tagger, [cid], None))
    return out


def evaluate(records, name: str = "records", tagger: Tagger | None = None, use_label_rule: bool = False) -> EvalResult:
    """Classify each labelled record without its index terms and count hits per facet and concept."""
    tagger = tagger or get_tagger()
    expressible = _expressible(tagger)
    result = EvalResult(name=name, records=len(records))
    if use_label_rule:
        result.gold_rule = "the documented MEDLINE label rule (label_rule.py)"
    result.rows = {"relevance": Counts(), **{row: Counts() for row, _, _ in SCORED}, POOLED: Counts()}
    for example in labelled_examples(records):
        result.labelled += 1
        gold = mesh_map.gold_labels(example.headings)
        if use_label_rule:
            gold["relevant"] = label_rule.is_cancer_immunology(example.headings)
        predicted = tagger.classify(example.title, example.text)
        keyword = label_rule.keyword_rule(example.title, example.text)
        result.keyword.add({"relevant"} if gold["relevant"] else set(), {"relevant"} if keyword else set())
        result.scores[gold["relevant"]].append(predicted.relevance)
        result.rows["relevance"].add({"relevant"} if gold["relevant"] else set(),
                                     {"relevant"} if predicted.relevant else set())
        result.relevant_gold += gold["relevant"]
        if gold["relevant"] != predicted.relevant:
            result.errors.append(
                f"relevance {'missed' if gold['relevant'] else 'false alarm'} "
                f"({predicted.relevance:.2f}): {example.identity} {example.title[:70]}"
            )
        for row, facet, within in SCORED:
            scope = expressible.get(facet, set())
            g = _closure(tagger, gold["facets"].get(facet, ()), within) & scope
            p = _closure(tagger, predicted.concepts(facet), within) & scope
            result.rows[row].add(g, p)
            result.rows[POOLED].add({(row, c) for c in g}, {(row, c) for c in p})
            for cid in g | p:
                result.concepts.setdefault((row, cid), Counts()).add(g & {cid}, p & {cid})
            for cid in sorted(p - g):
                result.errors.append(f"{row} false alarm {cid}: {example.identity} {_why(predicted, facet, cid)}")
            for cid in sorted(g - p):
                result.errors.append(f"{row} missed {cid}: {example.identity} {example.title[:60]}")
    return result


def _why(classification, facet: str, cid: str) -> str:
    for tag in classification.facets.get(facet, []):
        if tag.concept == cid:
            return "; ".join(repr(s.text) for s in tag.spans[:3])
    return "(via a narrower concept)"


# -- printing -------------------------------------------------------------------------------------
def _fmt(value: float | None) -> str:
    return "   –" if value is None else f"{value:.2f}"


def _line(name: str, c: Counts) -> str:
    return (f"{name:<28} {c.support:>7} {c.predicted:>5} {c.hits:>5} "
            f"{_fmt(c.precision):>5} {_fmt(c.recall):>5} {_fmt(c.f1):>5}")


def format_table(result: EvalResult, by_concept: bool = False) -> str:
    """Return the per-facet precision/recall/F1 table (support = gold positives) for one run."""
    lines = [
        f"{result.name}: {result.records} records, {result.labelled} labelled, "
        f"{result.relevant_gold} labelled relevant",
        f"{'facet':<28} {'support':>7} {'pred':>5} {'hits':>5} {'prec':>5} {'rec':>5} {'F1':>5}",
    ]
    for row, c in result.rows.items():
        lines.append(_line(row, c))
        if by_concept and row not in ("relevance", POOLED):
            for (r, cid), cc in sorted(result.concepts.items()):
                if r == row:
                    lines.append(_line(f"  {cid}", cc))
    threshold = learned.threshold()
    lines.append(f"relevance gold: {result.gold_rule}; model {learned.model_info().get('version')} "
                 f"at its threshold {threshold:.3f}"
                 + (" (trained on this file: in-sample figures, not held out)" if result.in_training else ""))
    scored = [(s, gold) for gold in (True, False) for s in result.scores[gold]]
    lines.extend(format_rows(scored, result.keyword))
    return "\n".join(lines)


def format_targets(results) -> str:
    """Return how each run compares with the targets (relevance F1, pooled facet precision)."""
    lines = [f"targets: relevance F1 >= {RELEVANCE_F1_TARGET}, facet precision >= {FACET_PRECISION_TARGET}"]
    for result in results:
        rel, pooled = result.rows["relevance"], result.rows[POOLED]
        rel_f1, precision = rel.f1, pooled.precision
        thin = f"; only {rel.support} relevant record(s) labelled: not a measurement" if rel.support < 20 else ""
        lines.append(
            f"  {result.name}: relevance F1 {_fmt(rel_f1)} "
            f"({'met' if rel_f1 is not None and rel_f1 >= RELEVANCE_F1_TARGET else 'NOT met'}{thin}), "
            f"pooled facet precision {_fmt(precision)} over {pooled.predicted} predicted tags "
            f"({'met' if precision is not None and precision >= FACET_PRECISION_TARGET else 'NOT met'})"
        )
    return "\n".join(lines)


def default_datasets(base: Path) -> list[tuple[str, list[Path]]]:
    """Return the evaluation sets shipped with the repository: tuning (PubMed) and held out."""
    data = base / "tests" / "testdata" / "classify"
    if not data.is_dir():  # an installed package: the labelled sets stay in the source repository
        raise FileNotFoundError(
            f"classify-eval: no evaluation sets at {data} (they ship with the source repository, "
            "not the package); give the files or folders to score"
        )
    return [
        ("tuning: PubMed", [data / "pubmed"]),
        ("held out: Europe PMC + ClinicalTrials.gov", [data / "europepmc" / "search_cancer_core.json",
                                                       data / "ctgov"]),
    ]
