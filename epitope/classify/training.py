"""Train the relevance model from labelled MEDLINE/PubMed files and editors' judgements.

`load_examples(paths)` labels every record that carries MeSH headings by the documented rule
(`label_rule.is_cancer_immunology`); the model reads only its title and plain-text abstract.
`train(examples)` fits a logistic regression (scikit-learn, liblinear, L2) on the features of
`learned.features`, and reports honest cross-validated figures beside the keyword rule's:

- folds are split by PMID (a stable hash of it, so the same record is always in the same fold);
- nested: for each outer fold, the regularisation C and the threshold are chosen on out-of-fold
  scores of the other folds only, then the outer fold is scored once;
- the shipped model: C and threshold chosen on out-of-fold scores of all folds, a Platt
  calibration fitted on those scores, then one fit on everything.

The relevance of a record is the larger of two calibrated probabilities: the model's, and the
vocabulary's own hand-weighted score (`relevance.py`) calibrated on the same records. The
second is what knows therapies the 1977-79 training years never named (CAR-T, checkpoint
inhibitors, the abscopal effect): without it a modern CAR-T abstract rests on the words of 1977.
The threshold is chosen on that maximum, nested like the rest.

Same input, same model: the folds, the solver and the rounding of weights are deterministic.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from epitope.ingest.parse import parse_bytes
from epitope.ingest.records import IngestError

from . import label_rule, learned
from .evaluate import _pubmed_headings
from .inputs import plain_text
from .tagger import get_tagger

C_GRID = (0.003, 0.01, 0.03, 0.1)
MIN_DF = 2  # a word seen in one record only says nothing about the next one
FOLDS = 5
_DIGITS = 6  # significant digits kept of each weight
# Word features count for less than the vocabulary's features (a stronger penalty on their
# weights, as a column scale): words are what differs most between the training years and
# today's abstracts, the vocabulary's concepts and sides are what carries over.
WORD_PREFIXES = ("w:", "t:", "b:", "g:")
WORD_SCALE = 0.3  # tried 1.0 and 0.1: the same CV F1 (0.57-0.58); 0.3 kept recall on modern fixtures


@dataclass
class Example:
    key: str  # PMID (or a hash of an editor-judged text): what decides its fold
    title: str
    text: str
    relevant: bool


@dataclass
class Source:
    name: str
    records: int
    positives: int
    sha256: str


@dataclass
class Figures:
    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, predicted, gold) -> Figures:
        tp = sum(p and g for p, g in zip(predicted, gold))
        n_pred, n_gold = sum(predicted), sum(gold)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(round(precision, 4), round(recall, 4), round(f1, 4))


@dataclass
class Report:
    examples: int
    positives: int
    judgements: int
    folds: int
    model: Figures
    keyword: Figures
    chosen_c: float
    threshold: float
    features: int
    outer: list = field(default_factory=list)  # per outer fold: (C, decision threshold)


def load_examples(paths, format: str | None = "pubmed") -> tuple[list[Example], list[Source]]:
    """Return the labelled examples of PubMed/MEDLINE files and a summary of each file."""
    examples, sources = [], []
    for path in map(Path, paths):
        stored = path.read_bytes()  # hashed as stored, so `sha256sum FILE` matches trained_on
        data = gzip.decompress(stored) if stored[:2] == b"\x1f\x8b" else stored
        try:
            records = parse_bytes(data, format=format)
        except IngestError as exc:
            raise IngestError(f"{path}: {exc}") from None
        start = len(examples)
        for record in records:
            headings = _pubmed_headings(record)
            if not headings:
                continue  # no MeSH: no label
            examples.append(Example(record.identifiers.get("pmid") or record.identity(), record.title or "",
                                    plain_text(record.summary), label_rule.is_cancer_immunology(headings)))
        mine = examples[start:]
        sources.append(Source(path.name, len(mine), sum(e.relevant for e in mine), hashlib.sha256(stored).hexdigest()))
    return examples, sources


def judged_examples(extra) -> list[Example]:
    """Return editors' judgements, (title, text, relevant) tuples, as examples."""
    return [Example("judgement:" + hashlib.sha256(f"{t}\n{x}".encode()).hexdigest(), t or "", x or "", bool(r))
            for t, x, r in extra]


def fold_of(key: str, folds: int) -> int:
    """Return the fold of an example: a stable hash of its PMID, the same on every machine."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") % folds


def _best_threshold(scores, gold) -> tuple[float, float]:
    """Return (F1, threshold) of the threshold on `scores` that maximises F1."""
    import numpy as np  # numerics load only to train: not on every CLI start

    order = np.argsort(-scores, kind="stable")
    ranked, hits = scores[order], np.cumsum(gold[order])
    total = gold.sum()
    if not total:
        return 0.0, float(ranked[0]) + 1 if len(ranked) else 0.0
    f1 = 2 * hits / (np.arange(1, len(ranked) + 1) + total)
    last_of_tie = np.r_[ranked[1:] != ranked[:-1], True]  # a threshold cannot split equal scores
    f1 = np.where(last_of_tie, f1, -1)
    i = int(f1.argmax())
    return float(f1[i]), float(ranked[i])


def _fit(X, y, c):
    from sklearn.linear_model import LogisticRegression  # ~1.4 s to import: only to train

    return LogisticRegression(C=c, solver="liblinear", dual=True, max_iter=2000, random_state=0).fit(X, y)


def _out_of_fold(X, y, fold_ids, folds, c):
    import numpy as np  # numerics load only to train: not on every CLI start

    scores = np.zeros(len(y))
    for f in folds:
        test = fold_ids == f
        train = ~test & np.isin(fold_ids, folds)
        scores[test] = _fit(X[train], y[train], c).decision_function(X[test])
    return scores


def _choose(X, y, fold_ids, folds, grid):
    """Return (C, threshold, out-of-fold scores) that maximise F1 over the given folds."""
    best = None
    for c in grid:
        scores = _out_of_fold(X, y, fold_ids, folds, c)
        f1, threshold = _best_threshold(scores[fold_ids_mask(fold_ids, folds)], y[fold_ids_mask(fold_ids, folds)])
        if best is None or f1 > best[0] + 1e-9:
            best = (f1, c, threshold, scores)
    return best[1], best[2], best[3]


def fold_ids_mask(fold_ids, folds):
    import numpy as np  # numerics load only to train: not on every CLI start

    return np.isin(fold_ids, folds)


def _platt(scores, gold) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression  # ~1.4 s to import: only to train

    fit = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000).fit(scores.reshape(-1, 1), gold)
    return float(fit.coef_[0][0]), float(fit.intercept_[0])


def _sigmoid(z):
    import numpy as np  # numerics load only to train: not on every CLI start

    return 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))


def _combined(decisions, priors, calibration, prior_calibration):
    """Return the relevance of each record: the larger of the two calibrated probabilities."""
    import numpy as np  # numerics load only to train: not on every CLI start

    (a, b), (a2, b2) = calibration, prior_calibration
    return np.maximum(_sigmoid(a * decisions + b), _sigmoid(a2 * priors + b2))


def _calibrate(scores, priors, gold):
    """Return the Platt calibrations of out-of-fold scores and of the vocabulary's score, and the
    threshold on their maximum that maximises F1."""
    calibration, prior_calibration = _platt(scores, gold), _platt(priors, gold)
    _, threshold = _best_threshold(_combined(scores, priors, calibration, prior_calibration), gold)
    return calibration, prior_calibration, threshold


def _round(value: float) -> float:
    return float(f"{value:.{_DIGITS}g}")


def train(examples, extra=(), folds: int = FOLDS, grid=C_GRID, sources=(), tagger=None, progress=None):
    """Return (Model, Report): the model fitted on all examples and its nested-CV figures."""
    import numpy as np  # numerics load only to train: not on every CLI start
    from scipy import sparse  # numerics load only to train

    tagger = tagger or get_tagger()
    judged = judged_examples(extra)
    examples = [*examples, *judged]
    if folds < 3:
        raise ValueError("train: nested cross-validation needs at least 3 folds")
    if len({e.relevant for e in examples}) < 2:
        raise ValueError("train: the examples need both relevant and not relevant records")
    say = progress or (lambda message: None)
    say(f"features of {len(examples)} examples")
    inputs = [tagger.relevance_inputs(e.title, e.text) for e in examples]
    names = [row for row, _prior in inputs]
    priors = np.array([prior for _row, prior in inputs])
    counts: dict[str, int] = {}
    for row in names:
        for name in row:
            counts[name] = counts.get(name, 0) + 1
    vocabulary = sorted(n for n, k in counts.items() if k >= MIN_DF)
    index = {n: i for i, n in enumerate(vocabulary)}
    rows, cols = [], []
    for r, row in enumerate(names):
        for name in row:
            i = index.get(name)
            if i is not None:
                rows.append(r)
                cols.append(i)
    scale = np.array([WORD_SCALE if n.startswith(WORD_PREFIXES) else 1.0 for n in vocabulary])
    X = sparse.csr_matrix((scale[cols], (rows, cols)), shape=(len(examples), len(vocabulary)))
    y = np.array([e.relevant for e in examples])
    fold_ids = np.array([fold_of(e.key, folds) for e in examples])
    all_folds = list(range(folds))

    predicted = np.zeros(len(y), dtype=bool)
    outer = []
    for f in all_folds:
        say(f"outer fold {f + 1} of {folds}")
        inner = [g for g in all_folds if g != f]
        c, _, scores = _choose(X, y, fold_ids, inner, grid)
        train_rows, test_rows = fold_ids != f, fold_ids == f
        calibration, prior_calibration, threshold = _calibrate(scores[train_rows], priors[train_rows], y[train_rows])
        fit = _fit(X[train_rows], y[train_rows], c)
        combined = _combined(fit.decision_function(X[test_rows]), priors[test_rows], calibration, prior_calibration)
        predicted[test_rows] = combined >= threshold
        outer.append((c, round(threshold, 4)))
    keyword = [label_rule.keyword_rule(e.title, e.text) for e in examples]

    say("final model")
    c, _, scores = _choose(X, y, fold_ids, all_folds, grid)
    (a, b), (a2, b2), threshold = _calibrate(scores, priors, y)
    final = _fit(X, y, c)
    weights = {vocabulary[i]: _round(w * scale[i]) for i, w in enumerate(final.coef_[0]) if _round(w * scale[i]) != 0.0}
    probability_threshold = _round(threshold)
    report = Report(
        examples=len(examples), positives=int(y.sum()), judgements=len(judged), folds=folds,
        model=Figures.of(predicted.tolist(), y.tolist()), keyword=Figures.of(keyword, y.tolist()),
        chosen_c=c, threshold=probability_threshold, features=len(weights), outer=outer,
    )
    model = learned.Model(weights=weights, intercept=_round(final.intercept_[0]),
                          calibration=(_round(a), _round(b)), prior_calibration=(_round(a2), _round(b2)),
                          threshold=probability_threshold)
    model.meta = _metadata(model, report, sources, tagger.vocabulary.version)
    return model, report


def _metadata(model, report: Report, sources, vocabulary_version: str) -> dict:
    cv = {"precision": report.model.precision, "recall": report.model.recall, "f1": report.model.f1,
          "threshold": report.threshold, "folds": report.folds, "c": report.chosen_c,
          "method": "nested: C and threshold chosen on the training folds' out-of-fold scores",
          "keyword_rule": {"precision": report.keyword.precision, "recall": report.keyword.recall,
                           "f1": report.keyword.f1}}
    trained_on = [{"file": s.name, "records": s.records, "positives": s.positives, "sha256": s.sha256}
                  for s in sources]
    content = json.dumps([model.to_dict(), cv, trained_on, report.judgements, vocabulary_version],
                         sort_keys=True).encode()
    return {
        "version": f"relevance-{learned.FORMAT}-{hashlib.sha256(content).hexdigest()[:12]}",
        "trained_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "trained_on": trained_on, "judgements": report.judgements, "cv": cv, "features": report.features,
        "vocabulary_version": vocabulary_version,
    }
