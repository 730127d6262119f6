"""The evaluation's labels: what the sources' own index terms say, derived independently of the classifier."""

from pathlib import Path

from epitope.classify import mesh_map
from epitope.classify.evaluate import evaluate, labelled_examples, load_records

DATA = Path(__file__).parent / "testdata" / "classify"


def relevant(*headings):
    return mesh_map.gold_labels(headings)["relevant"]


def test_relevance_needs_a_cancer_heading_and_an_immune_heading():
    assert relevant("Humans", "Melanoma", "Immune Checkpoint Inhibitors")
    assert relevant("Lymphoma, Large B-Cell, Diffuse/therapy", "Receptors, Chimeric Antigen")
    assert relevant("Carcinoma, Hepatocellular", "Lymphocytes, Tumor-Infiltrating")  # tumour immunology
    assert relevant("Neoplasms", "CD8-Positive T-Lymphocytes")
    assert not relevant("Melanoma", "Humans", "Mutation")  # cancer without immunology
    assert not relevant("Lupus Erythematosus, Systemic", "Receptors, Chimeric Antigen")  # CAR-T, not cancer
    assert not relevant("Dermatitis, Atopic", "T-Lymphocytes")  # immunology, not cancer


def test_words_that_only_look_like_cancer_are_not_cancer_headings():
    # A tumour cell line and an ADC, but no neoplasm heading: the indexers did not call it a cancer paper.
    assert not relevant("Cell Line, Tumor", "Immunoconjugates", "Mice")
    assert not relevant("Promyelocytic Leukemia Protein", "T-Lymphocytes")
    assert not relevant("Tumor Necrosis Factor-alpha", "Immunotherapy")


def test_qualifiers_carry_the_indexers_meaning():
    assert relevant("Lung Neoplasms/genetics/immunology", "Macrophages/immunology")
    assert not relevant("Lung Neoplasms/genetics", "Macrophages/immunology")  # macrophages alone: generic
    assert relevant("Breast Neoplasms/drug therapy", "Antibodies, Monoclonal, Humanized/therapeutic use")
    assert not relevant("Breast Neoplasms/pathology", "Antibodies, Monoclonal")  # a staining reagent
    assert relevant("Colorectal Neoplasms", "Tumor Microenvironment/immunology")
    assert not relevant("Colorectal Neoplasms", "Tumor Microenvironment/drug effects")


def test_facet_labels_ignore_qualifiers():
    facets = mesh_map.gold_labels(["Carcinoma, Non-Small-Cell Lung/drug therapy", "Mice, Inbred C57BL"])["facets"]
    assert facets == {"cancer_type": {"nsclc"}, "evidence": {"mouse"}}


def test_pubmed_labels_keep_the_qualifiers_of_the_real_record():
    (example,) = labelled_examples(load_records([DATA / "pubmed" / "39236155.xml"]))
    assert "Lung Neoplasms/genetics/immunology/pathology" in example.headings
    assert mesh_map.gold_labels(example.headings)["relevant"]  # myeloid cells fuelling lung cancer
    # The classifier reads the title and abstract only: no heading text in its input.
    assert "Myelopoiesis" not in example.text and "Lung Neoplasms" not in example.title + example.text


def test_a_trial_is_labelled_from_its_registry_entry():
    examples = {e.identity: e for e in labelled_examples(load_records([DATA / "ctgov"]))}
    dupilumab = examples["nct:NCT02210780"]
    gold = mesh_map.gold_labels(dupilumab.headings)
    assert gold["facets"]["evidence"] == {"phase-2", "human-trial"}
    assert "Dermatitis, Atopic" in dupilumab.headings and not gold["relevant"]
    # Studies whose registry entry has no derived MeSH terms carry no labels and are left out.
    assert "nct:NCT03453554" not in examples


def test_evaluation_counts_predictions_against_the_labels():
    records = load_records([DATA / "pubmed" / "38704912.xml", DATA / "pubmed" / "33474827.xml"])
    result = evaluate(records, name="two")
    assert result.labelled == 2 and result.relevant_gold == 1
    rel = result.rows["relevance"]
    assert (rel.support, rel.predicted, rel.hits) == (1, 1, 1)  # the checkpoint-inhibitor cohort study
    cancer = result.rows["cancer_type"]
    assert cancer.support >= 2  # NSCLC (and lung) for the platelet-RNA paper
    assert cancer.hits <= cancer.predicted
