"""The tagger finds what a reader would see in an abstract, and shows the words that prove it."""

import pickle

import pytest

from epitope.classify.tagger import Tagger, classify, get_tagger


def tags(result, facet):
    return {t.concept: t for t in result.facets.get(facet, [])}


def assert_spans_exact(result, title, text):
    for facet_tags in result.facets.values():
        for tag in facet_tags:
            for span in tag.spans:
                source = {"title": title, "text": text}[span.field]
                assert source[span.start:span.end] == span.text, (tag.concept, span)


CAR_T_TRIAL = (
    "CD19-directed CAR T cells in relapsed DLBCL: a Phase I/II trial",
    "We enrolled 24 patients with refractory diffuse large B-cell lymphoma. Chimeric antigen "
    "receptor T-cell therapy (CART19) produced complete responses; IFN-γ and TGF-β rose.",
)


def test_car_t_lymphoma_trial_is_relevant_with_modality_cancer_target_and_phase():
    title, text = CAR_T_TRIAL
    result = classify(title, text)
    assert result.relevant and result.relevance >= 0.9
    assert "car-t" in tags(result, "modality")
    assert "dlbcl" in tags(result, "cancer_type")
    assert "cd19" in tags(result, "target")
    evidence = tags(result, "evidence")
    assert {"phase-1", "phase-2"} <= set(evidence)
    assert result.evidence_badge == "Phase 1/2 trial"
    assert result.patients == 24 and evidence["patient-count"].value == 24
    assert_spans_exact(result, title, text)


def test_spans_point_at_the_original_words_whatever_their_spelling():
    title, text = CAR_T_TRIAL
    spans = {s.text for s in tags(classify(title, text), "modality")["car-t"].spans}
    assert {"CAR T cells", "Chimeric antigen receptor T-cell", "CART19"} <= spans


@pytest.mark.parametrize("phrase", [
    "CAR-T", "CAR T-cell", "car t cells", "chimeric antigen receptor", "CHIMERIC ANTIGEN RECEPTOR T CELLS",
    "CART19", "CAR-T–cell", "CAR T/NK",
])
def test_car_t_spelling_variants(phrase):
    result = classify("", f"Patients with melanoma received {phrase} therapy.")
    assert "car-t" in tags(result, "modality"), phrase


def test_case_hyphens_plurals_and_uk_spelling():
    result = classify("", "Anti-PD1 antibodies and PD-L1 blockers in tumours; pd-1 inhibitors in leukaemias.")
    assert {"pd-1-inhibitor", "pd-l1-inhibitor"} <= set(tags(result, "modality"))
    assert "leukaemia" in tags(result, "cancer_type")
    assert {"pd-1", "pd-l1"} <= set(tags(result, "target"))


def test_greek_letters_match_their_names_and_keep_original_spans():
    text = "TGF-β and IFNγ, also written TGF-beta and interferon-gamma."
    norm, hits = get_tagger().hits(text)
    found = {(cid, norm.span(s, e)[2]) for s, e, _facet, cid in hits}
    assert ("tgf-beta", "TGF-β") in found
    assert ("ifn-gamma", "IFNγ") in found
    assert ("tgf-beta", "TGF-beta") in found
    assert ("ifn-gamma", "interferon-gamma") in found


def test_words_inside_other_words_do_not_match():
    result = classify("", "The allocation of all melanomas... Smallpox and cartography; mice-free.")
    assert "all" not in tags(result, "cancer_type")
    assert "car-t" not in tags(result, "modality")


def test_abbreviations_need_their_case_and_are_ignored_in_shouted_titles():
    assert "all" in tags(classify("", "Children with ALL received blinatumomab."), "cancer_type")
    assert "all" not in tags(classify("", "We treated all children with blinatumomab."), "cancer_type")
    assert "all" not in tags(classify("CHECKPOINT INHIBITORS FOR ALL MELANOMA PATIENTS", ""), "cancer_type")


def test_longer_phrase_wins_within_a_facet():
    result = classify("", "Durvalumab in non-small cell lung cancer.")
    assert set(tags(result, "cancer_type")) == {"nsclc"}


def test_block_phrases_silence_false_friends():
    result = classify("", "The promyelocytic leukemia protein (PML) regulates melanoma cells.")
    assert "leukaemia" not in tags(result, "cancer_type")
    assert "melanoma" in tags(result, "cancer_type")


def test_car_t_in_lupus_is_flagged_autoimmune_and_not_cancer_immunology():
    result = classify("CD19 CAR T cells for refractory systemic lupus erythematosus",
                      "Five patients with SLE received CAR-T cells and stayed in drug-free remission.")
    assert result.autoimmune_use
    assert "lupus" in tags(result, "indication")
    assert not result.relevant


@pytest.mark.parametrize("text, phases", [
    ("A phase I/II trial of nivolumab.", {"phase-1", "phase-2"}),
    ("In this Phase 1b/2 study of patients ...", {"phase-1", "phase-2"}),
    ("A randomized phase III trial.", {"phase-3"}),
    ("A first-in-human study of a TIGIT antibody.", {"phase-1"}),
    ("During the S phase of the cell cycle", set()),
])
def test_trial_phases(text, phases):
    found = {c for c in tags(classify("", text), "evidence") if c.startswith("phase-")}
    assert found == phases


def test_model_systems_and_population():
    mouse = classify("Humanized mice reject tumours after CAR-NK infusion", "Humanized mice were engrafted.")
    assert "humanised-mouse" in tags(mouse, "evidence")
    assert mouse.evidence_badge == "Mouse study"
    lab = classify("", "In vitro, CAR-T cells killed GPC3+ HCC cell lines; in vitro cytotoxicity was high.")
    assert lab.evidence_badge == "Lab study"
    kids = classify("", "Paediatric patients and children with neuroblastoma received GD2 CAR T cells.")
    assert "paediatric" in tags(kids, "evidence")


@pytest.mark.parametrize("text, count", [
    ("Overall, 118 patients were evaluable.", 118),
    ("A cohort (n = 1,204) of adults.", 1204),
    ("We enrolled 36 previously treated patients.", 36),
])
def test_patient_numbers(text, count):
    assert classify("", text).patients == count


def test_relevance_needs_both_immunotherapy_and_cancer():
    assert classify("Pembrolizumab in advanced melanoma", "Objective responses in 40% of patients.").relevant
    assert not classify("Statins and cholesterol", "LDL fell in 200 patients.").relevant
    assert not classify("Screening uptake for breast cancer", "Mammography rates rose.").relevant
    assert not classify("Vaccines against influenza", "Antibody titres in older adults.").relevant


def test_subjects_are_strong_signals_but_optional():
    plain = classify("Outcomes in older adults", "Quality of life was measured.")
    with_mesh = classify("Outcomes in older adults", "Quality of life was measured.",
                         subjects=["Immune Checkpoint Inhibitors", "Neoplasms", "Mice"])
    assert not plain.relevant and with_mesh.relevant
    modality = tags(with_mesh, "modality")["checkpoint-inhibitor"]
    assert modality.source == "subject" and modality.spans[0].field == "subject"


def test_compiled_tagger_survives_pickling():
    tagger = get_tagger()
    clone = pickle.loads(pickle.dumps(tagger))
    assert isinstance(clone, Tagger)
    title, text = CAR_T_TRIAL
    assert clone.classify(title, text).to_dict() == tagger.classify(title, text).to_dict()


def test_empty_and_odd_input():
    assert classify("", "").relevance == 0.0
    assert classify("αβγ — ‐ – / ()", "  \n\t").facets["modality"] == []


def test_a_review_is_badged_as_a_review_even_when_it_cites_trials():
    result = classify("CAR-T cells in solid tumours: a systematic review",
                      "We review phase I and phase II trials of CAR T cells in glioblastoma.")
    assert result.evidence_badge == "Review"
    assert {"phase-1", "phase-2", "review"} <= set(tags(result, "evidence"))
