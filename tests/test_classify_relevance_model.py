"""The learned relevance model: the label rule, the keyword rule, training, the shipped artefact."""

import gzip
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree

from epitope.classify import label_rule, learned
from epitope.classify.evaluate import load_records
from epitope.classify.inputs import plain_text
from epitope.classify.tagger import classify, get_tagger
from epitope.classify.training import load_examples, train

DATA = Path(__file__).parent / "testdata" / "classify"
TUNING = DATA / "medline" / "medline-1977-79-tuning.xml.gz"


def test_label_rule_on_real_heading_lists():
    # PMID 339380-style lists as MEDLINE indexes them: the neoplasm carries the immunology qualifier.
    assert label_rule.is_cancer_immunology(["Animals", "Melanoma/immunology", "Mice", "Lymphocytes/immunology"])
    # A neoplasm without the qualifier counts only beside an immunotherapy-like heading.
    assert not label_rule.is_cancer_immunology(["Humans", "Leukemia, Lymphoid/drug therapy", "Prednisone"])
    assert label_rule.is_cancer_immunology(["Humans", "Leukemia, Lymphoid/therapy", "BCG Vaccine/therapeutic use"])
    assert label_rule.is_cancer_immunology(["Lung Neoplasms/therapy", "Immunotherapy, Adoptive"])
    # A virus or gene named after a tumour is not a neoplasm descriptor.
    assert not label_rule.is_cancer_immunology(["Friend murine leukemia virus/immunology", "Mice"])
    assert not label_rule.is_cancer_immunology(["Antibodies, Viral/immunology", "Immunotherapy"])
    # Immunotherapy without a neoplasm is not cancer immunology.
    assert not label_rule.is_cancer_immunology(["Immunotherapy", "Asthma/therapy"])


def test_label_rule_counts_the_documented_positives_on_the_tuning_file():
    root = etree.fromstring(gzip.open(TUNING).read())
    labels = []
    for citation in root.iter("MedlineCitation"):
        headings = ["/".join([h.findtext("DescriptorName"), *(q.text for q in h.iterfind("QualifierName"))])
                    for h in citation.iter("MeshHeading")]
        labels.append(label_rule.is_cancer_immunology(headings))
    assert (len(labels), sum(labels)) == (15002, 187)  # as the README states


def test_keyword_rule_needs_a_cancer_word_and_an_immune_word():
    assert label_rule.keyword_rule("Tumour-infiltrating lymphocytes in melanoma", "")
    assert label_rule.keyword_rule("Survival in leukaemia", "Interferon was given to 20 patients.")
    assert not label_rule.keyword_rule("Survival in leukaemia", "Chemotherapy was given.")
    assert not label_rule.keyword_rule("Antibody titres after influenza vaccination", "")



def test_the_model_reads_paraprotein_and_mastocytoma_immunology_as_both_halves():
    # MEDLINE's label counts the immunology of myeloma proteins and of mastocytoma targets; their
    # records say neither "tumor" nor "antibody", so the two-word rule misses them.
    for title in ("Radioimmunoassay for a Bence Jones protein idiotype",
                  "Allotypes of IgM macroglobulin in Waldenstrom's disease",
                  "Lysis of P815 mastocytoma cells by alloimmune lymphocytes"):
        names = learned.features(title, "")
        assert "k:both" in names and "kt:both" in names, title
    assert not label_rule.keyword_rule("Radioimmunoassay for a Bence Jones protein idiotype", "")
    # Words today's abstracts use outside immunology do not make the immune half.
    names = learned.features("Mitogen-activated protein kinase in complementary tumour models", "")
    assert "k:both" not in names

def _slice(tmp_path, n):
    """Write the first n citations of the tuning file to a file of its own."""
    root = etree.fromstring(gzip.open(TUNING).read())
    for article in list(root)[n:]:
        root.remove(article)
    path = tmp_path / "medline-slice.xml"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
    return path


def test_train_relevance_prints_model_and_keyword_rule_and_is_deterministic(tmp_path):
    data = _slice(tmp_path, 1200)
    outputs = []
    for name in ("one.json.gz", "two.json.gz"):
        out = io.StringIO()
        call_command("train-relevance", str(data), "--out", str(tmp_path / name), "--folds", "3", "--c", "0.3",
                     "--no-judgements", stdout=out)
        outputs.append(out.getvalue())
    text = outputs[0]
    labelled = len(load_examples([data])[0])
    assert labelled > 1100 and f"medline-slice.xml: {labelled} labelled records" in text
    rows = {line.split()[0]: line.split()[-3:] for line in text.splitlines() if line.startswith(("model ", "keyword "))}
    assert set(rows) == {"model", "keyword"}
    assert all(0.0 <= float(v) <= 1.0 for figures in rows.values() for v in figures)
    one, two = (learned.load(tmp_path / name) for name in ("one.json.gz", "two.json.gz"))
    assert one.meta.pop("trained_at") and two.meta.pop("trained_at")
    assert one.to_dict() == two.to_dict()  # same input, same model, same version
    assert one.meta["version"].startswith("relevance-")
    assert one.meta["trained_on"][0]["records"] == labelled and one.meta["cv"]["folds"] == 3
    # Calibration: a probability, rising with the linear score.
    scores = [one.decision(get_tagger().features(e.title, e.text)) for e in load_examples([data])[0][:300]]
    probabilities = [one.probability_of(s) for s in sorted(scores)]
    assert all(0.0 <= p <= 1.0 for p in probabilities)
    assert probabilities == sorted(probabilities)


def test_judgements_are_training_examples(tmp_path):
    examples, _ = load_examples([_slice(tmp_path, 800)])
    judged = [("Tumour vaccine trial", "Dendritic cells loaded with tumour lysate.", True)] * 3
    model, report = train(examples, extra=judged, folds=3, grid=(0.3,))
    assert report.judgements == 3 and model.meta["judgements"] == 3
    assert report.examples == len(examples) + 3


@pytest.mark.django_db
def test_train_relevance_learns_from_the_editors_judgements_in_the_database(tmp_path):
    from django.contrib.contenttypes.models import ContentType

    from epitope.classify.models import Judgement
    from epitope.ingest.models import Item

    item_type = ContentType.objects.get_for_model(Item)
    for n, relevant in enumerate((True, True, False)):
        Judgement.objects.create(content_type=item_type, object_id=str(n), relevant=relevant,
                                 title=f"Judged lead {n}", text="Dendritic cells loaded with tumour lysate.")
    out = io.StringIO()
    call_command("train-relevance", str(_slice(tmp_path, 800)), "--out", str(tmp_path / "m.json.gz"), "--folds", "3",
                 "--c", "0.3", stdout=out)
    assert "editors' judgements: 3" in out.getvalue()
    assert learned.load(tmp_path / "m.json.gz").meta["judgements"] == 3


def test_shipped_model_loads_and_separates_real_abstracts():
    info = learned.model_info()
    assert set(info) == {"version", "trained_at", "trained_on", "judgements", "cv", "features"}
    assert info["trained_on"][0]["file"] == TUNING.name and info["trained_on"][0]["positives"] == 187
    assert {"precision", "recall", "f1", "threshold", "folds", "keyword_rule"} <= set(info["cv"])
    checkpoint, = load_records([DATA / "pubmed" / "38704912.xml"])  # older patients on checkpoint inhibitors
    result = classify(checkpoint.title, plain_text(checkpoint.summary))
    assert result.relevant and 0.0 <= result.relevance <= 1.0
    platelets, = load_records([DATA / "pubmed" / "33474827.xml"])  # tumour-educated platelet RNA in NSCLC
    assert not classify(platelets.title, plain_text(platelets.summary)).relevant


@pytest.mark.parametrize("title, text", [
    ("CD19-directed CAR T cells in relapsed DLBCL: a Phase I/II trial",
     "We enrolled 24 patients with refractory diffuse large B-cell lymphoma. Chimeric antigen receptor "
     "T-cell therapy produced complete responses."),
])
def test_modern_immunotherapy_is_relevant_though_the_training_data_is_from_1977(title, text):
    # The concepts' sides (immune / cancer) carry what 1977 taught about cancer immunology to
    # therapies it never saw.
    assert classify(title, text).relevant
    assert not classify("Statins and cholesterol", "LDL fell in 200 patients with heart failure.").relevant


def test_classify_eval_prints_precision_at_recall_and_the_keyword_rule():
    out = io.StringIO()
    call_command("classify-eval", str(DATA / "pubmed"), stdout=out)
    text = out.getvalue()
    for recall in ("0.5", "0.7", "0.9"):
        assert f"relevance precision at recall {recall}: " in text
    assert "keyword rule (a cancer word and an immune word): precision" in text


def test_model_file_is_plain_json():
    with gzip.open(learned.MODEL_PATH) as fh:
        data = json.load(fh)
    assert data["format"] == learned.FORMAT and isinstance(data["weights"], dict)
    assert learned.MODEL_PATH.stat().st_size < 5_000_000


def test_the_fast_scoring_path_gives_the_score_of_the_feature_names():
    # The Tagger scores from word sets (no string per feature); training reads feature names.
    model, tagger = learned.get_model(), get_tagger()
    records = load_records([DATA / "pubmed"])[:60]
    for record in records:
        title, text = record.title, plain_text(record.summary)
        names, prior = tagger.relevance_inputs(title, text)
        result = classify(title, text)
        assert result.relevance == pytest.approx(model.probability(names, prior), abs=1e-9)
        assert result.relevant == (result.relevance >= model.threshold)


def test_classify_eval_labels_medline_baseline_files_by_the_label_rule(tmp_path):
    out = io.StringIO()
    call_command("classify-eval", str(_slice(tmp_path, 400)), stdout=out)
    text = out.getvalue()
    assert "relevance gold: the documented MEDLINE label rule" in text
    assert "relevance precision at recall 0.9: " in text
    # Cancer type is scored against the MeSH neoplasm headings in the same run, micro and macro.
    cancer = text[text.index("cancer type: 400 records"):]
    assert "micro precision" in cancer and "macro precision" in cancer and "title-only records" in cancer
