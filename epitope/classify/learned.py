"""The learned relevance model: features of a record, and the shipped weights that score them.

The model is a linear one trained with scikit-learn (`training.py`, `epitope train-relevance`)
and shipped as plain data in `model/relevance.json.gz`: the nonzero weight of each feature, the
intercept, the Platt calibration fitted on out-of-fold scores, the threshold chosen by
cross-validation, and what it was trained on. Scoring needs no scikit-learn: the features of a
record are strings (the Tagger scores from word sets directly: `Parts`, `Model.decision_of`),
its score the sum of their weights, its relevance the calibrated sigmoid of
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
  (both in the title), with a few more words on each side than the rule (EXTRA_CANCER_STEMS);
- the words of title and abstract, `w:<word>`, and the title's again as `t:<word>` (word pairs,
  `b:<word> <word>`, are supported by the scorer but off: see WORD_PAIRS);
- conjunctions, so that a linear model can say "cancer AND immune": each concept again as
  `cx:<id>` when both sides are covered, and when the keyword rule fires, its words
  (`kc:`, `ki:`) and the record's words again as `g:<word>` / `g:t:<word>`.
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

from .label_rule import CANCER_WORDS, IMMUNE_WORDS
from .normalise import normalise

MODEL_PATH = Path(__file__).parent / "model" / "relevance.json.gz"
FORMAT = 1

# The keyword rule's word lists, applied to the record's words (a stem at a word start; the
# two-word stems as word pairs) rather than by regular expression: the same words, found in
# the word pass the features need anyway.
# The model's halves also hold words the two-word rule lacks but the label rule rewards: in
# MEDLINE a myeloma protein, a paraprotein or a mastocytoma target studied for its immunology is
# cancer immunology, and its records say "macroglobulinemia", "Bence Jones", "MOPC", "idiotype",
# "allotype", "antiserum", "rosettes", "HLA" instead of "tumor" and "antibody".
# Nested CV F1 on the tuning file 0.553 -> 0.594 (the keyword rule, compared with, keeps its words).
EXTRA_CANCER_STEMS = ("macroglobulin", "mastocytom", "gammopath", "paraprotein", "bence", "mopc", "myelom",
                      "plasmocytom", "dysproteinem", "cryoglobulin")
# Not "complement" ("complementary"), "mitogen" ("mitogen-activated protein kinase") or "globulin"
# ("sex hormone-binding globulin"): today's abstracts use them outside immunology (no CV F1 lost).
EXTRA_IMMUNE_STEMS = ("idiotyp", "cytolys", "allotyp", "antiser", "rosett", "hla", "lymphokin", "histocompat")
_CANCER_STEMS = tuple(w for w in (*CANCER_WORDS, *EXTRA_CANCER_STEMS) if " " not in w and "-" not in w)
_IMMUNE_STEMS = tuple(w for w in (*IMMUNE_WORDS, *EXTRA_IMMUNE_STEMS) if " " not in w and "-" not in w)
_PAIRS = {"t": "cell", "b": "cell", "nk": "cell", "natural": "killer"}  # "T cells", "T-cell" …
# "Antigen" alone is as often a tumour marker (carcinoembryonic, prostate-specific antigen) as
# immunology: it is a word of its own here, not the immune half.
AMBIGUOUS_IMMUNE_WORDS = frozenset({"antigen"})
# Word pairs as features ("tumor immunity") were tried: nested CV F1 +0.01-0.02, but building
# and looking up ~100 pairs a record cost more than the Tagger itself (3 times slower overall).
WORD_PAIRS = False
PRIOR_STEPS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
# Words seen so far, by whether they start with a stem: most do not, and a set difference in C
# leaves only the few that do (or are new) to look at.
_PLAIN: set[str] = set()
_STEMMED: dict[str, tuple[str | None, str | None]] = {}  # word → (cancer stem, immune stem)
_MAX_WORDS = 500_000


def _stems(word: str) -> tuple[str | None, str | None] | None:
    found = _STEMMED.get(word)
    if found is None:
        cancer = immune = None
        if word.startswith(_CANCER_STEMS):
            cancer = next(s for s in _CANCER_STEMS if word.startswith(s))
        if word.startswith(_IMMUNE_STEMS):
            immune = next(s for s in _IMMUNE_STEMS if word.startswith(s))
        if immune in AMBIGUOUS_IMMUNE_WORDS:
            immune = None
        if len(_PLAIN) >= _MAX_WORDS:
            _PLAIN.clear()
        if cancer is None and immune is None:
            _PLAIN.add(word)
            return None
        found = _STEMMED[word] = (cancer, immune)
    return found


_PAIR_FIRSTS = frozenset(_PAIRS)


def _halves(words, bigrams) -> tuple[set[str], set[str]]:
    cancer, immune = set(), set()
    for word in words.difference(_PLAIN):
        found = _stems(word)
        if found is None:
            continue
        c, i = found
        if c:
            cancer.add(c)
        if i:
            immune.add(i)
    if bigrams:
        for a, b in bigrams:
            second = _PAIRS.get(a)
            if second is not None and b.startswith(second):
                immune.add(f"{a} {second}")
    return cancer, immune


class Parts:
    """A record's features in pieces: named ones, and the word sets the word features come from.

    Words are those of the Tagger's normalised text (lower case, Greek letters spelled out, any
    other character a break), so the Tagger's one normalisation serves both.
    """

    __slots__ = ("named", "title_words", "words", "bigrams", "gated")

    def __init__(self, title_seq: list[str], text_seq: list[str], concepts=(), prior: float = 0.0):
        named = {f"r>={step}" for step in PRIOR_STEPS if prior >= step}
        sides = set()
        for cid, side, in_title in concepts:
            named.add("c:" + cid)
            if in_title:
                named.add("ct:" + cid)
            if side:
                sides.add(side)
        for side in sides:
            named.add("s:" + side)
        if len(sides) >= 2:
            named.add("s:both")
            named.update(["cx:" + cid for cid, _side, _title in concepts])
        self.title_words = title_words = set(title_seq)
        self.words = words = title_words.union(text_seq)
        # Word pairs are looked at only where a two-word stem ("T cells") can start.
        if _PAIR_FIRSTS.isdisjoint(words):
            title_bigrams = bigrams = ()
        else:
            title_bigrams = set(zip(title_seq, title_seq[1:]))
            bigrams = title_bigrams.union(zip(text_seq, text_seq[1:]))
        self.bigrams = bigrams if WORD_PAIRS else ()
        cancer, immune = _halves(words, bigrams)
        if cancer:
            named.add("k:cancer")
        if immune:
            named.add("k:immune")
        # What a linear model cannot say alone: these words matter when both halves are there.
        self.gated = bool(cancer and immune)
        if self.gated:
            named.add("k:both")
            named.update(["kc:" + w for w in cancer])
            named.update(["ki:" + w for w in immune])
            title_cancer, title_immune = _halves(title_words, title_bigrams)
            if title_cancer and title_immune:
                named.add("kt:both")
        self.named = named

    def names(self) -> list[str]:
        out = set(self.named)
        out.update(["t:" + w for w in self.title_words])
        out.update(["w:" + w for w in self.words])
        out.update([f"b:{a} {b}" for a, b in self.bigrams])
        if self.gated:
            out.update(["g:" + w for w in self.words])
            out.update(["g:t:" + w for w in self.title_words])
        return sorted(out)


def features(title: str, text: str, concepts=(), prior: float = 0.0) -> list[str]:
    """Return the feature names of one record.

    `concepts` holds (id, side, in title) triples of the vocabulary concepts found; `prior` is
    the vocabulary's own relevance score (`relevance.py`), given as steps `r>=0.1` … `r>=0.9`.
    """
    return Parts(normalise(title).split(), normalise(text).split(), concepts, prior).names()


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
    _by_kind: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def _index(self) -> dict:
        """Return the weights split by kind, keyed by the bare word (or word pair), built once."""
        if not self._by_kind:
            kinds = {"named": {}, "t": {}, "w": {}, "b": {}, "g": {}, "g:t": {}}
            for name, weight in self.weights.items():
                if name.startswith("g:t:"):
                    kinds["g:t"][name[4:]] = weight
                elif name.startswith(("t:", "w:", "g:")):
                    kinds[name[0]][name[2:]] = weight
                elif name.startswith("b:"):
                    kinds["b"][tuple(name[2:].split(" ", 1))] = weight
                else:
                    kinds["named"][name] = weight
            self._by_kind = kinds
        return self._by_kind

    def decision_of(self, parts: Parts) -> float:
        """Return `decision(parts.names())` without building a name per word: the fast path."""
        kinds = self._index()
        # map() over dict.get runs the loop in C (measured faster than a Python loop or an
        # intersection of key views).
        total = self.intercept
        for kind, present in (("named", parts.named), ("w", parts.words), ("t", parts.title_words),
                              ("b", parts.bigrams)):
            total += sum(map(kinds[kind].get, present, repeat(0.0)))
        if parts.gated:
            for kind, present in (("g", parts.words), ("g:t", parts.title_words)):
                total += sum(map(kinds[kind].get, present, repeat(0.0)))
        return total

    def relevance(self, parts: Parts, prior: float = 0.0) -> float:
        """Return the relevance of a record from its feature parts (see `probability`)."""
        a, b = self.prior_calibration
        return max(self.probability_of(self.decision_of(parts)), _sigmoid(a * prior + b))

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


# A model is never certain: its probabilities stay inside (0, 1), so that an editor's judgement
# (exactly 1.0 or 0.0) always ranks above or below every score the model gives.
_FLOOR, _CEILING = 0.0005, 0.9995


def _sigmoid(z: float) -> float:
    if z < -35:
        return _FLOOR
    return min(max(1.0 / (1.0 + math.exp(-z)), _FLOOR), _CEILING)


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
