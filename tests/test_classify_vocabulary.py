"""The vocabulary is data: it loads, validates, and editors can extend it."""

import json

import pytest

from epitope.classify.vocabulary import (
    PUBLIC_FACETS, VocabularyError, load_vocabulary, matching_keys, synonym_clashes,
)


def test_vocabulary_file_loads_with_a_version_and_the_hierarchy():
    vocab = load_vocabulary()
    assert vocab.version
    assert vocab.ancestors("dlbcl") == ["lymphoma", "haematological"]
    assert vocab.ancestors("nsclc") == ["lung", "solid"]
    assert vocab.ancestors("car-t") == ["cell-therapy"]
    assert {"all", "cll", "aml"} <= vocab.descendants("leukaemia")
    for facet in PUBLIC_FACETS:
        assert any(c.facet == facet for c in vocab.concepts.values()), facet


def test_no_synonym_names_two_concepts_of_one_facet():
    assert synonym_clashes(load_vocabulary()) == {}


def test_plural_spelling_and_joined_forms_are_generated():
    keys = {k for k, cid, _f, _c in matching_keys(load_vocabulary()) if cid in ("pd-1", "leukaemia", "car-t")}
    assert {"pd 1", "pd1", "leukemia", "leukaemias", "car t cells"} <= keys


def _write(tmp_path, concepts, version="test-1"):
    path = tmp_path / "vocab.json"
    path.write_text(json.dumps({"version": version, "concepts": concepts}))
    return path


def test_clashing_synonyms_are_refused(tmp_path):
    path = _write(tmp_path, [
        {"id": "a", "label": "A", "facet": "modality", "synonyms": ["shared words"]},
        {"id": "b", "label": "B", "facet": "modality", "synonyms": ["Shared-words"]},
    ])
    with pytest.raises(VocabularyError, match="shared words"):
        load_vocabulary(path=path)


@pytest.mark.parametrize("concepts, message", [
    ([{"id": "a", "label": "A", "facet": "modality", "parent": "nope"}], "unknown parent"),
    ([{"id": "a", "label": "A", "facet": "colour"}], "unknown facet"),
    ([{"id": "a", "label": "A", "facet": "modality", "implies": ["target:nope"]}], "implies unknown"),
    ([{"id": "a", "facet": "modality"}], "lacks label"),
    ([{"id": "a", "label": "A", "facet": "modality", "resolves_to": "nope"}], "resolves to unknown"),
    ([{"id": "a", "label": "A", "facet": "modality", "resolves_to": "b", "unless": ["t"]},
      {"id": "b", "label": "B", "facet": "modality"}, {"id": "t", "label": "T", "facet": "target"}],
     "resolves to unknown modality concept 't'"),
])
def test_malformed_vocabulary_is_refused_with_a_reason(tmp_path, concepts, message):
    with pytest.raises(VocabularyError, match=message):
        load_vocabulary(path=_write(tmp_path, concepts))


def test_missing_version_is_refused(tmp_path):
    with pytest.raises(VocabularyError, match="version"):
        load_vocabulary(path=_write(tmp_path, [], version=""))


def test_editor_terms_extend_concepts_and_make_new_ones():
    vocab = load_vocabulary([
        {"facet": "modality", "concept": "car-t", "synonym": "CAR-T19 product"},
        {"facet": "target", "concept": "cldn6", "synonym": "claudin 6", "label": "CLDN6"},
    ])
    assert "CAR-T19 product" in vocab.concepts["car-t"].synonyms
    assert vocab.concepts["cldn6"].label == "CLDN6" and vocab.concepts["cldn6"].facet == "target"


def test_a_bad_editor_term_is_skipped_and_the_good_ones_kept(caplog):
    vocab = load_vocabulary([
        {"facet": "target", "concept": "car-t", "synonym": "whatever"},  # car-t is a modality
        {"facet": "modality", "concept": "car-t", "synonym": "ZX-42 cells"},
    ])
    assert "whatever" not in vocab.concepts["car-t"].synonyms
    assert "ZX-42 cells" in vocab.concepts["car-t"].synonyms
    assert "modality concept" in caplog.text


def test_words_shared_between_facets_must_be_declared(tmp_path):
    concepts = [
        {"id": "a", "label": "A", "facet": "modality", "synonyms": ["CART19"]},
        {"id": "b", "label": "B", "facet": "target", "synonyms": ["CART19"]},
    ]
    with pytest.raises(VocabularyError, match="cart19"):
        load_vocabulary(path=_write(tmp_path, concepts))
    path = tmp_path / "shared.json"
    path.write_text(json.dumps({"version": "t", "shared_synonyms": ["CART19"], "concepts": concepts}))
    assert set(load_vocabulary(path=path).concepts) == {"a", "b"}


def test_rival_modalities_must_name_modality_concepts(tmp_path):
    path = tmp_path / "rivals.json"
    path.write_text(json.dumps({"version": "t", "rival_modalities": {"groups": [["a", "nope"]]},
                                "concepts": [{"id": "a", "label": "A", "facet": "modality"}]}))
    with pytest.raises(VocabularyError, match="nope"):
        load_vocabulary(path=path)


def test_a_concept_can_refuse_automatic_plurals():
    keys = {k for k, cid, _f, _c in matching_keys(load_vocabulary()) if cid == "review"}
    assert "systematic review" in keys and "systematic reviews" not in keys
