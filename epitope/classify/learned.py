"""The learned relevance model: features of a record, and the shipped weights that score them.

The model is a linear one trained with scikit-learn (`training.py`, `epitope train-relevance`)
and shipped as plain data in `model/relevance.json.gz`: the nonzero weight of each feature, the
intercept, the Platt calibration fitted on out-of-fold scores, the threshold chosen by
cross-validation, and what it was trained on. Scoring needs no scikit-learn: the features of a
record are strings, its score the sum of their weights, its relevance the calibrated sigmoid of
that sum; the relevance is the larger of that and the vocabulary's own score (`relevance.py`),
calibrated on the same training records (see `training.py` for why). The file is read once
per process.

Features (all present/absent, so the same record always gives the same set):
- the vocabulary's concepts the Tagger found, `c:<id>`, and `ct:<id>` when named in the title;
- which halves of "cancer immunology" the concepts cover, `s:immune`, `s:cancer`, `s:both`;
- the vocabulary's hand-weighted score (`relevance.py`) in steps, `r>=0.1` … `r>=0.9`: the bridge
  from the training years to therapies they never named (the concept ids of CAR-T or checkpoint
  inhibitors have no weight learned from 1977 records; their hand-set weights feed this score);
- the keyword rule's halves and their conjunction, `k:cancer`, `k:immune`, `k:both`, `kt:both`
  (both in the title);
- the words of title and abstract, `w:<word>`, the title's again as `t:<word>`, and adjacent
  word pairs, `b:<word> <word>`;
- conjunctions, so that a linear model can say "cancer AND immune": each concept again as
  `cx:<id>` when both sides are covered, and when the keyword rule fires, its words
  (`kc:`, `ki:`) and the record's words again as `g:<word>` / `g:t:<word>`.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from .label_rule import keyword_matches, keyword_title

MODEL_PATH = Path(__file__).parent / "model" / "relevance.json.gz"
FORMAT = 1
_WORD = re.compile(r"[a-z0-9]+")


AMBIGUOUS_IMMUNE_WORDS = frozenset({"antigen"})
PRIOR_STEPS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def features(title: str, text: str, concepts=(), prior: float = 0.0) -> list[str]:
    """Return the feature names of one record.

    `concepts` holds (id, side, in title) triples of the vocabulary concepts found; `prior` is
    the vocabulary's own relevance score (`relevance.py`), given as steps `r>=0.1` … `r>=0.9`.
    """
    out = {f"r>={step}" for step in PRIOR_STEPS if prior >= step}
    sides = set()
    for cid, side, in_title in concepts:
        out.add("c:" + cid)
        if in_title:
            out.add("ct:" + cid)
        if side:
            sides.add(side)
    for side in sides:
        out.add("s:" + side)
    both_sides = len(sides) >= 2
    if both_sides:
        out.add("s:both")
        out.update(["cx:" + cid for cid, _side, _title in concepts])
    cancer, immune = keyword_matches(title, text)
    # "Antigen" alone is as often a tumour marker (carcinoembryonic, prostate-specific antigen)
    # as immunology: it is a word of its own here, not the immune half.
    immune = immune - AMBIGUOUS_IMMUNE_WORDS
    if cancer:
        out.add("k:cancer")
    if immune:
        out.add("k:immune")
    title_words = _WORD.findall(title.lower())
    words = set(title_words)
    out.update(["t:" + w for w in title_words])
    for seq in (title_words, _WORD.findall(text.lower())):
        words.update(seq)
        out.update([f"b:{a} {b}" for a, b in zip(seq, seq[1:])])
    out.update(["w:" + w for w in words])
    if cancer and immune:
        # What a linear model cannot say alone: these words matter when both halves are there.
        out.add("k:both")
        out.update(["kc:" + w for w in cancer])
        out.update(["ki:" + w for w in immune])
        out.update(["g:" + w for w in words])
        out.update(["g:t:" + w for w in title_words])
        if keyword_title(title):
            out.add("kt:both")
    return sorted(out)


def concept_sides(vocabulary, found, cues, in_title) -> list[tuple[str, str | None, bool]]:
    """Return (id, side, named in the title) of the concepts and cues a Tagger found."""
    concepts = vocabulary.concepts
    out = []
    for cid in cues.union(cid for _facet, cid in found):
        concept = concepts.get(cid)
        if concept is not None:
            out.append((cid, concept.side, cid in in_title))
    return out


@dataclass
class Model:
    """A shipped relevance model: weights by feature name, calibration and threshold."""

    weights: dict[str, float]
    intercept: float = 0.0
    calibration: tuple[float, float] = (1.0, 0.0)  # Platt: p = 1 / (1 + exp(-(a * score + b)))
    prior_calibration: tuple[float, float] = (0.0, -35.0)  # the same for the vocabulary's score
    threshold: float = 0.5
    meta: dict = field(default_factory=dict)

    def decision(self, names) -> float:
        """Return the linear score (before calibration) of a record's features."""
        get = self.weights.get
        return self.intercept + sum(get(name, 0.0) for name in names)

    def probability(self, names, prior: float = 0.0) -> float:
        """Return the relevance of a record: the larger of the model's calibrated probability and
        the vocabulary's calibrated score (`prior`)."""
        a, b = self.prior_calibration
        return max(self.probability_of(self.decision(names)), _sigmoid(a * prior + b))

    def probability_of(self, decision: float) -> float:
        """Return the calibrated probability of a linear score (Platt: a logistic curve)."""
        a, b = self.calibration
        return _sigmoid(a * decision + b)

    def to_dict(self) -> dict:
        return {
            "format": FORMAT, **self.meta,
            "intercept": self.intercept, "calibration": list(self.calibration),
            "prior_calibration": list(self.prior_calibration), "threshold": self.threshold,
            "weights": dict(sorted(self.weights.items())),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Model:
        data = dict(data)
        if data.pop("format", None) != FORMAT:
            raise ValueError("model: unknown relevance model format")
        weights = data.pop("weights")
        intercept = data.pop("intercept")
        a, b = data.pop("calibration")
        a2, b2 = data.pop("prior_calibration")
        threshold = data.pop("threshold")
        return cls(weights=weights, intercept=intercept, calibration=(a, b), prior_calibration=(a2, b2),
                   threshold=threshold, meta=data)


def _sigmoid(z: float) -> float:
    if z < -35:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


def dump(model: Model, path: Path) -> None:
    """Write the model as gzipped JSON, byte-for-byte the same for the same model."""
    body = json.dumps(model.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
        gz.write(body)


def load(path: Path) -> Model:
    """Return the model stored at `path`."""
    with gzip.open(path, "rb") as fh:
        return Model.from_dict(json.loads(fh.read()))


_MODEL: dict[str, Model] = {}


def get_model() -> Model:
    """Return the shipped model, read once per process."""
    model = _MODEL.get("shipped")
    if model is None:
        model = _MODEL["shipped"] = load(MODEL_PATH)
    return model


def clear_cache() -> None:
    _MODEL.clear()


def score(names, prior: float = 0.0) -> float:
    """Return the shipped model's relevance for a record's features and vocabulary score."""
    return get_model().probability(names, prior)


def threshold() -> float:
    """Return the probability at or above which the shipped model calls a record relevant."""
    return get_model().threshold


def model_info() -> dict:
    """Return what the shipped model is: version, trained_at, trained_on, judgements, cv, features."""
    meta = get_model().meta
    return {key: meta.get(key) for key in ("version", "trained_at", "trained_on", "judgements", "cv", "features")}
