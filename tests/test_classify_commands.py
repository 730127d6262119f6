"""`epitope classify` prints JSON lines without the database; `classify-eval` prints its table."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

DATA = Path(__file__).parent / "testdata" / "classify"
CHECKPOINT_PAPER = DATA / "pubmed" / "38704912.xml"  # older patients on checkpoint inhibitors


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def test_classify_prints_one_json_line_per_record_without_touching_the_database():
    # No django_db mark: any query would fail this test.
    (line,) = run("classify", str(CHECKPOINT_PAPER))
    assert line["id"] == "doi:10.1016/j.jgo.2024.101777"
    assert line["relevant"] is True
    modality = {t["concept"]: t for t in line["facets"]["modality"]}
    assert "checkpoint-inhibitor" in modality
    assert any(span[2].lower().startswith("checkpoint inhibitor") for span in modality["checkpoint-inhibitor"]["spans"])


def test_classify_title_and_abstract_only():
    (line,) = run("classify", "--no-subjects", str(CHECKPOINT_PAPER))
    sources = {t["source"] for tags in line["facets"].values() for t in tags}
    assert sources == {"text"}
    assert line["relevant"] is True


def test_classify_many_records_and_formats():
    lines = run("classify", "--format", "europepmc", str(DATA / "europepmc" / "search_cancer_core.json"))
    assert len(lines) == 25
    assert all(0.0 <= line["relevance"] <= 1.0 for line in lines)
    prostate = [line for line in lines if "prostate" in {t["concept"] for t in line["facets"].get("cancer_type", [])}]
    assert prostate


def test_classify_reports_unreadable_files(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<not-a-feed")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 of 1 files not fully read"):
        call_command("classify", str(bad), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().startswith(f"classify: {bad}: ")


def test_eval_prints_per_facet_rows_for_both_sets():
    out = io.StringIO()
    call_command("classify-eval", stdout=out)
    text = out.getvalue()
    assert "tuning: PubMed: 171 records, 116 labelled" in text
    assert "held out: Europe PMC + ClinicalTrials.gov" in text
    header = next(line for line in text.splitlines() if line.startswith("facet"))
    assert header.split() == ["facet", "support", "pred", "hits", "prec", "rec", "F1"]
    for row in ("relevance", "modality", "cancer_type", "target", "evidence: phase", "evidence: model system",
                "all facets (pooled)"):
        assert len(re.findall(rf"^{re.escape(row)} +\d+ ", text, re.M)) == 2, row  # once per set
    assert "targets: relevance F1 >= 0.9" in text


def test_eval_by_concept_adds_rows_under_their_facet():
    out = io.StringIO()
    call_command("classify-eval", "--by-concept", str(DATA / "europepmc" / "search_cancer_core.json"), stdout=out)
    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("cancer_type"))
    concept_rows = []
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        concept_rows.append(line.split())
    assert concept_rows  # the Europe PMC "cancer" search has cancer types labelled
    cancer_type = lines[start].split()
    # The facet's support is the sum of its concepts' supports.
    assert int(cancer_type[1]) <= sum(int(row[1]) for row in concept_rows)


def test_eval_refuses_a_missing_path_clearly(tmp_path):
    with pytest.raises(CommandError, match="no such file or folder"):
        call_command("classify-eval", str(tmp_path / "nothing-here"), stdout=io.StringIO())


def test_a_trial_registry_record_gets_its_phase_from_the_registry():
    (line,) = run("classify", str(DATA / "ctgov" / "NCT02210780.json"))
    assert line["id"] == "nct:NCT02210780"
    assert line["evidence_badge"] == "Phase 2 trial"
    assert line["relevant"] is False  # atopic dermatitis: immunology, but not cancer
    (plain,) = run("classify", "--no-subjects", str(DATA / "ctgov" / "NCT02210780.json"))
    assert plain["evidence_badge"] != "Phase 2 trial"


def test_eval_json_holds_the_figures_of_the_table():
    path = str(DATA / "europepmc" / "search_cancer_core.json")
    text, data = io.StringIO(), io.StringIO()
    call_command("classify-eval", path, stdout=text)
    call_command("classify-eval", "--json", "--by-concept", path, stdout=data)
    (dataset,) = json.loads(data.getvalue())["datasets"]
    assert text.getvalue().startswith(f"{path}: {dataset['records']} records, {dataset['labelled']} labelled")
    rows = {m.group(1).strip(): m.group(2).split() for m in re.finditer(r"^([a-z_:() ]+?) +(\d+ +\d+ +\d+ .*)$",
                                                                         text.getvalue(), re.M)}
    for facet in ("relevance", "modality", "cancer_type", "all facets (pooled)"):
        figures = dataset["facets"][facet]
        assert rows[facet][:3] == [str(figures["support"]), str(figures["predicted"]), str(figures["hits"])], facet
    assert f"micro precision {dataset['cancer_type']['micro']['precision']:.2f}" in text.getvalue()
    assert set(dataset["relevance_precision_at_recall"]) == {"0.5", "0.7", "0.9"}
    assert sum(c["support"] for c in dataset["concepts"]["cancer_type"].values()) >= dataset["facets"]["cancer_type"]["support"]


def test_classify_refuses_a_missing_path_before_printing_anything(tmp_path):
    out = io.StringIO()
    with pytest.raises(CommandError, match="no such file: .*absent.xml") as refused:
        call_command("classify", str(CHECKPOINT_PAPER), str(tmp_path / "absent.xml"), stdout=out)
    assert refused.value.returncode == 2 and out.getvalue() == ""
