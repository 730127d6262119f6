"""Load, validate and expand the immuno-oncology vocabulary (`vocabulary/io_vocabulary.json`).

The vocabulary is data: concepts with an id, label, facet, optional parent, synonyms and
case-sensitive abbreviations. Editors add synonyms or new concepts as `VocabularyTerm`
snippets; `load_vocabulary(extra_terms)` merges them in. `matching_keys()` expands every
synonym into the forms the matcher looks for (plurals, UK/US spellings, "PD-1"/"PD1").
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .normalise import normalise, normalise_keep_case

logger = logging.getLogger("epitope.classify")
VOCABULARY_FILE = Path(__file__).parent / "vocabulary" / "io_vocabulary.json"
FACETS = ("cue", "modality", "cancer_type", "target", "indication", "evidence", "block")
# Facets shown to readers and editors (cues and blocks only steer the matcher).
PUBLIC_FACETS = ("modality", "cancer_type", "target", "indication", "evidence")
_IMMUNE_FACETS = {"modality", "target"}


class VocabularyError(ValueError):
    """The vocabulary file or an editor's term is malformed; the message says where."""


@dataclass(frozen=True)
class Concept:
    id: str
    label: str
    facet: str
    parent: str | None = None
    weight: float = 0.0
    side: str | None = None  # "immune" | "cancer" | None: which half of the relevance score it feeds
    implies: tuple[str, ...] = ()  # "facet:concept" tags proved by the same words
    synonyms: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    # A generic concept ("chimeric antigen receptor", cell type unstated) is never shown: it
    # becomes `resolves_to` (CAR-T, what an unqualified CAR nearly always is), unless one of
    # `unless` (CAR-NK, CAR macrophages) is named in the same record, which it then belongs to.
    resolves_to: str | None = None
    unless: tuple[str, ...] = ()
    plurals: bool = True  # False: "systematic reviews" names others' work, not this record


@dataclass
class Vocabulary:
    version: str
    concepts: dict[str, Concept] = field(default_factory=dict)
    shared_synonyms: frozenset[str] = frozenset()  # normalised words two facets may both claim
    # Modalities a story is usually about one of and compares with the others ("unlike CAR-T
    # therapy, engagers come off the shelf"): see `Tagger.classify`.
    rival_groups: tuple[frozenset[str], ...] = ()
    rival_max_mentions: int = 2

    def ancestors(self, concept_id: str) -> list[str]:
        """Return the parent chain of `concept_id`, nearest first."""
        chain, seen = [], {concept_id}
        parent = self.concepts[concept_id].parent if concept_id in self.concepts else None
        while parent and parent not in seen:
            chain.append(parent)
            seen.add(parent)
            parent = self.concepts[parent].parent
        return chain

    def descendants(self, concept_id: str) -> set[str]:
        """Return `concept_id` and every concept below it."""
        out = {concept_id}
        for cid in self.concepts:
            if concept_id in self.ancestors(cid):
                out.add(cid)
        return out

    def label(self, concept_id: str) -> str:
        concept = self.concepts.get(concept_id)
        return concept.label if concept else concept_id


def _concept_from_dict(raw: dict, where: str) -> Concept:
    missing = [k for k in ("id", "label", "facet") if not raw.get(k)]
    if missing:
        raise VocabularyError(f"vocabulary: {where} lacks {', '.join(missing)}")
    if raw["facet"] not in FACETS:
        raise VocabularyError(f"vocabulary: {where} has unknown facet {raw['facet']!r}")
    side = raw.get("side")
    if side is None and raw["facet"] in _IMMUNE_FACETS:
        side = "immune"
    elif side is None and raw["facet"] == "cancer_type":
        side = "cancer"
    return Concept(
        id=raw["id"],
        label=raw["label"],
        facet=raw["facet"],
        parent=raw.get("parent"),
        weight=float(raw.get("weight", 0.0)),
        side=side,
        implies=tuple(raw.get("implies", ())),
        synonyms=tuple(raw.get("synonyms", ())),
        abbreviations=tuple(raw.get("abbreviations", ())),
        resolves_to=raw.get("resolves_to") or None,
        unless=tuple(raw.get("unless", ())),
        plurals=bool(raw.get("plurals", True)),
    )


def load_vocabulary(extra_terms=(), path: Path = VOCABULARY_FILE) -> Vocabulary:
    """Return the vocabulary from `path`, merged with editors' `extra_terms`.

    Each extra term is a mapping with facet, concept, synonym and optionally label, parent and
    case_sensitive: a synonym for an existing concept, or a new concept when the id is new.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    vocab = Vocabulary(
        version=str(data.get("version") or ""),
        shared_synonyms=frozenset(normalise(s) for s in data.get("shared_synonyms", ())),
        rival_groups=tuple(frozenset(group) for group in data.get("rival_modalities", {}).get("groups", ())),
        rival_max_mentions=int(data.get("rival_modalities", {}).get("max_mentions", 2)),
    )
    if not vocab.version:
        raise VocabularyError("vocabulary: the file has no version string")
    for i, raw in enumerate(data.get("concepts", [])):
        concept = _concept_from_dict(raw, f"concept #{i} ({raw.get('id', '?')})")
        if concept.id in vocab.concepts:
            raise VocabularyError(f"vocabulary: concept id {concept.id!r} appears twice")
        vocab.concepts[concept.id] = concept
    validate(vocab)
    extra_terms = list(extra_terms)
    if not extra_terms:
        return vocab
    base = dict(vocab.concepts)
    try:
        for term in extra_terms:
            merge_term(vocab, term)
        validate(vocab)
    except VocabularyError:
        # One bad editor's term must not stop all tagging: add them one by one, skip the bad.
        vocab.concepts = base
        for term in extra_terms:
            before = dict(vocab.concepts)
            try:
                merge_term(vocab, term)
                validate(vocab)
            except (VocabularyError, KeyError) as exc:
                vocab.concepts = before
                logger.warning("classify: editor term %r skipped: %s", term.get("synonym"), exc)
    return vocab


def merge_term(vocab: Vocabulary, term) -> None:
    """Add one editor's term to `vocab` (a synonym, or a new concept when its id is new)."""
    cid, synonym = term["concept"], term["synonym"].strip()
    case_sensitive = bool(term.get("case_sensitive"))
    existing = vocab.concepts.get(cid)
    if existing is None:
        raw = {"id": cid, "label": term.get("label") or synonym, "facet": term["facet"],
               "parent": term.get("parent") or None, "weight": term.get("weight", _default_weight(term["facet"]))}
        existing = _concept_from_dict(raw, f"editor term {cid!r}")
    elif existing.facet != term["facet"]:
        raise VocabularyError(f"vocabulary: editor term {synonym!r}: {cid!r} is a {existing.facet} concept")
    if case_sensitive:
        existing = _replace(existing, abbreviations=existing.abbreviations + (synonym,))
    else:
        existing = _replace(existing, synonyms=existing.synonyms + (synonym,))
    vocab.concepts[cid] = existing


def _default_weight(facet: str) -> float:
    return {"modality": 1.0, "cancer_type": 1.0, "target": 0.6}.get(facet, 0.0)


def _replace(concept: Concept, **changes) -> Concept:
    return replace(concept, **changes)


def validate(vocab: Vocabulary) -> None:
    """Raise VocabularyError for dangling parents/implies, cycles or clashing synonyms."""
    for c in vocab.concepts.values():
        if c.parent and c.parent not in vocab.concepts:
            raise VocabularyError(f"vocabulary: {c.id!r} has unknown parent {c.parent!r}")
        if c.parent and vocab.concepts[c.parent].facet != c.facet:
            raise VocabularyError(f"vocabulary: {c.id!r} and its parent are in different facets")
        if c.id in vocab.ancestors(c.id):
            raise VocabularyError(f"vocabulary: {c.id!r} is its own ancestor")
        for ref in c.implies:
            facet, _, target = ref.partition(":")
            if vocab.concepts.get(target) is None or vocab.concepts[target].facet != facet:
                raise VocabularyError(f"vocabulary: {c.id!r} implies unknown {ref!r}")
        for other in filter(None, (c.resolves_to, *c.unless)):
            if vocab.concepts.get(other) is None or vocab.concepts[other].facet != c.facet:
                raise VocabularyError(f"vocabulary: {c.id!r} resolves to unknown {c.facet} concept {other!r}")
    for group in vocab.rival_groups:
        unknown = sorted(cid for cid in group if vocab.concepts.get(cid) is None
                         or vocab.concepts[cid].facet != "modality")
        if unknown:
            raise VocabularyError(f"vocabulary: rival modalities name unknown modality concept(s) {unknown}")
    clashes = synonym_clashes(vocab)
    if clashes:
        key, ids = next(iter(clashes.items()))
        raise VocabularyError(f"vocabulary: synonym {key!r} belongs to several concepts: {ids}")


def synonym_clashes(vocab: Vocabulary) -> dict[str, list[tuple[str, str]]]:
    """Return synonyms claimed by two concepts, unless the file lists them as shared.

    Within one facet every generated form counts (a plural of one concept must not be another
    concept's synonym); across facets the words as written count, and only those in
    `shared_synonyms` may appear twice.
    """
    owners: dict[str, set[tuple[str, str]]] = {}
    for key, cid, facet, _cased in matching_keys(vocab):
        owners.setdefault(f"{facet}:{key}", set()).add((facet, cid))
    clashes = {key.partition(":")[2]: sorted(ids) for key, ids in owners.items() if len(ids) > 1}
    written: dict[str, set[tuple[str, str]]] = {}
    for c in vocab.concepts.values():
        for synonym in (*c.synonyms, *c.abbreviations):
            written.setdefault(normalise(synonym), set()).add((c.facet, c.id))
    for key, ids in written.items():
        if len(ids) > 1 and key not in vocab.shared_synonyms:
            clashes.setdefault(key, sorted(ids))
    return clashes


# UK/US spelling pairs applied to synonyms in both directions.
_SPELLINGS = [
    ("tumour", "tumor"), ("leukaem", "leukem"), ("haemat", "hemat"), ("haemo", "hemo"),
    ("oesophag", "esophag"), ("paediatr", "pediatr"), ("humanis", "humaniz"),
    ("randomis", "randomiz"), ("personalis", "personaliz"), ("individualis", "individualiz"),
    ("immunis", "immuniz"), ("anaem", "anem"), ("oestrogen", "estrogen"), ("centre", "center"),
    ("haematolog", "hematolog"), ("armour", "armor"), ("tumourigen", "tumorigen"),
]
# Join "pd 1" → "pd1", "il 2" → "il2"; a single letter stays apart ("pd l 1" is not "pd l1").
_LETTER_DIGIT = re.compile(r"(?<=[a-z]{2}) (?=\d)")
_LETTER_DIGIT_CASED = re.compile(r"(?<=[A-Za-z]{2}) (?=\d)")


def _spelling_variants(key: str) -> set[str]:
    out = {key}
    for uk, us in _SPELLINGS:
        for form in list(out):
            out.add(re.sub(rf"(?<![a-z]){uk}", us, form))
            out.add(re.sub(rf"(?<![a-z]){us}", uk, form))
    return out


def _plural(word: str) -> str | None:
    if len(word) < 3 or any(ch.isdigit() for ch in word):
        return None
    if word.endswith("is"):
        return word[:-2] + "es"  # metastasis → metastases
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _key_forms(key: str, plurals: bool = True) -> set[str]:
    forms = set()
    for form in _spelling_variants(key):
        forms.add(form)
        joined = _LETTER_DIGIT.sub("", form)  # "pd 1" → "pd1", "il 2" → "il2"
        forms.add(joined)
    for form in list(forms) if plurals else ():
        head, _, last = form.rpartition(" ")
        plural = _plural(last)
        if plural:
            forms.add(f"{head} {plural}".strip())
    return forms


def matching_keys(vocab: Vocabulary):
    """Yield (key, concept id, facet, cased form or None) for every form the matcher knows."""
    for c in vocab.concepts.values():
        for synonym in c.synonyms:
            base = normalise(synonym)
            if not base:
                continue
            for key in _key_forms(base, c.plurals):
                yield key, c.id, c.facet, None
        for abbreviation in c.abbreviations:
            cased = normalise_keep_case(abbreviation)
            if not cased:
                continue
            forms = {cased, _LETTER_DIGIT_CASED.sub("", cased)}
            forms |= {f + "s" for f in forms if f[-1:].isupper()}
            for form in forms:
                yield form.lower(), c.id, c.facet, form
