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


def test_a_review_is_badged_as_a_review_and_not_filed_under_the_phases_it_cites():
    result = classify("CAR-T cells in solid tumours: a systematic review",
                      "We review phase I and phase II trials of CAR T cells in glioblastoma.")
    assert result.evidence_badge == "Review"
    assert set(tags(result, "evidence")) == {"review"}  # not under ?evidence=phase-1


def test_a_car_of_unstated_cell_type_is_car_t_unless_the_record_names_another_car_cell():
    plain = classify("", "Patients with lymphoma received a CD19-directed chimeric antigen receptor product.")
    assert set(tags(plain, "modality")) == {"car-t"}
    assert tags(plain, "modality")["car-t"].spans[0].text == "chimeric antigen receptor"
    nk = classify("CAR-NK cells from cord blood in lymphoma",
                  "Natural killer cells engineered with a chimeric antigen receptor (CAR) were infused.")
    assert set(tags(nk, "modality")) == {"car-nk"}
    registry = classify("A study in lymphoma", "", subjects=["CD19 CAR", "Lymphoma"])  # a trial's intervention
    assert set(tags(registry, "modality")) == {"car-t"} and tags(registry, "modality")["car-t"].source == "subject"


def test_a_rival_modality_named_in_passing_is_a_comparison_not_a_tag():
    text = ("Bispecific T-cell engagers bind CD3 on T cells and DLL3 on tumour cells. Unlike CAR-T "
            "therapy, they come off the shelf.")
    engager = classify("A bispecific T-cell engager extends survival in small-cell lung cancer", text)
    assert set(tags(engager, "modality")) == {"bispecific"}
    both = classify("Bispecific antibodies or CAR-T cells after relapse in small-cell lung cancer", text)
    assert {"bispecific", "car-t"} <= set(tags(both, "modality"))  # the title names both
    untitled = classify("", text)
    assert {"bispecific", "car-t"} <= set(tags(untitled, "modality"))  # no title to say which is the subject
    # Named often, a rival is a subject too; and a non-rival (a checkpoint inhibitor given with it) stays.
    often = classify("CAR-NK cells in lymphoma", "CAR-T cells, CAR-T toxicity and CAR-T cost are compared; "
                     "pembrolizumab was added.")
    assert {"car-nk", "car-t", "pd-1-inhibitor"} <= set(tags(often, "modality"))


def test_overlapping_phrases_of_one_facet_keep_the_head_or_the_narrower_concept():
    adc = classify("", "An anti-HER2 antibody-drug conjugate in gastric cancer.")
    assert set(tags(adc, "modality")) == {"adc"}  # not also a naked "anti-HER2 antibody"
    car = classify("", "Chimeric antigen receptor T-cell therapy in lymphoma.")
    assert set(tags(car, "modality")) == {"car-t"}  # not also the broader "T-cell therapy"


def test_a_cancer_named_once_in_passing_is_not_the_records_cancer_type():
    text = "Eradication cures most infections and lowers the risk of gastric cancer."
    assert tags(classify("Treatment of Helicobacter pylori infection", text), "cancer_type") == {}
    assert "gastric" in tags(classify("Helicobacter pylori and gastric cancer", text), "cancer_type")
    twice = classify("Treatment of Helicobacter pylori infection", text + " Gastric cancer screening is advised.")
    assert "gastric" in tags(twice, "cancer_type")
    # The indication of a cancer therapy is the record's cancer, named once or not.
    car_t = classify("CAR-T study", "CAR-T cells for lymphoma patients in a trial.")
    assert "lymphoma" in tags(car_t, "cancer_type") and car_t.relevant


def test_citing_systematic_reviews_does_not_make_a_record_a_review():
    guideline = classify("A clinical practice guideline for depression",
                         "Ten systematic reviews and meta-analyses served as the basis for the guideline.")
    assert "review" not in tags(guideline, "evidence")
    review = classify("Depression care", "This systematic review pooled 40 randomised trials.")
    assert "review" in tags(review, "evidence")


def test_an_abbreviation_the_text_defines_as_something_else_is_not_the_concept():
    scaling = classify("Protein model quality", "We use multidimensional scaling (MDS) to cluster models; MDS helps.")
    assert tags(scaling, "cancer_type") == {}
    mds = classify("Azacitidine in MDS", "Patients with myelodysplastic syndromes (MDS) received azacitidine.")
    assert set(tags(mds, "cancer_type")) == {"mds"}
    assert len(tags(mds, "cancer_type")["mds"].spans) == 3  # title, long form, and the defined abbreviation
    undefined = classify("", "Children with ALL received blinatumomab.")  # never spelt out: kept
    assert "all" in tags(undefined, "cancer_type")


def test_myeloproliferative_neoplasms_are_not_myelodysplastic_syndromes():
    result = classify("Ruxolitinib in polycythemia vera", "Polycythemia vera is a myeloproliferative neoplasm (MPN).")
    assert set(tags(result, "cancer_type")) == {"mpn"}


def test_the_abscopal_effect_is_tumour_immunology():
    result = classify("Abscopal response in hepatocellular carcinoma after radiotherapy",
                      "Distant lesions regressed after radiotherapy of one lesion, an abscopal effect.")
    assert result.relevant
