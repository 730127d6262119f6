"""`epitope classify` streams PubMed/MEDLINE files in every NLM layout: one JSON line per record,
in order, unreadable records included, identifiers as their own fields, a non-zero exit when a
file holds nothing or something it cannot read."""

import gzip
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from epitope.classify.inputs import record_inputs
from epitope.classify.pubmed_inputs import pubmed_inputs
from epitope.ingest.parse import parse_bytes
from epitope.ingest.records import IngestError
from epitope.ingest.sources import pubmed, pubmed_stream

TESTDATA = Path(__file__).parent / "testdata"
DATA = TESTDATA / "classify"
TUNING = DATA / "medline" / "medline-1977-79-tuning.xml.gz"
BOOK = DATA / "layouts" / "book-20301546.xml"
MEDLINE_2016 = DATA / "layouts" / "medlinecitationset-2016-layout.xml"
MEDLINE_2016_PMIDS = ["399296", "399298", "399300", "399302", "399304", "399306", "399308", "399310",
                      "399764", "400472", "400688", "400818", "400892", "400978", "401484", "401860"]


def classify(*args):
    """Return (JSON lines, CommandError or None, stderr) of one `epitope classify` run."""
    out, err = io.StringIO(), io.StringIO()
    error = None
    try:
        call_command("classify", *map(str, args), stdout=out, stderr=err)
    except CommandError as exc:
        error = exc
    return [json.loads(line) for line in out.getvalue().splitlines()], error, err.getvalue()


def tuning_articles(count):
    """Return the first `count` <PubmedArticle> elements of the tuning file as bytes, as written there."""
    text = gzip.open(TUNING).read(3_000_000)
    return re.findall(rb"<PubmedArticle>.*?</PubmedArticle>", text, re.S)[:count]


def article_set(articles):
    return (b'<?xml version="1.0" encoding="utf-8"?>\n'
            b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2019//EN" '
            b'"http://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_190101.dtd">\n<PubmedArticleSet>\n'
            + b"\n".join(articles) + b"\n</PubmedArticleSet>\n")


def pmid_of(article: bytes) -> str:
    return re.search(rb"<PMID[^>]*>(\d+)<", article).group(1).decode()


def test_one_line_per_record_in_order_with_a_broken_record_in_its_place(tmp_path):
    articles = tuning_articles(5)
    broken = articles[2].replace(b"</ArticleTitle>", b"</ArticleTitl>", 1)
    path = tmp_path / "pubmed-with-a-broken-record.xml"
    path.write_bytes(article_set([*articles[:2], broken, *articles[3:]]))
    lines, error, stderr = classify(path)
    assert [line["position"] for line in lines] == [1, 2, 3, 4, 5]
    assert [line["pmid"] for line in lines] == [pmid_of(a) for a in articles]  # the broken one's too
    bad = lines[2]
    assert bad["error"].startswith("parser: record 3: ") and "ArticleTitl" in bad["error"]
    assert bad["id"] is None and "relevance" not in bad
    for line in lines[:2] + lines[3:]:
        assert "error" not in line and line["id"] in (f"pmid:{line['pmid']}", f"doi:{line['doi']}")
    # The file is not fully read: the exit status and stderr say so, and why.
    assert error is not None and "not fully read" in str(error)
    assert "1 of 5 records could not be read (first: position 3: parser: record 3:" in stderr


def test_identifiers_are_separate_fields_and_only_the_records_own():
    (paper,), error, _ = classify(DATA / "pubmed" / "25364329.xml")
    assert error is None
    # Its references cite other PMCIDs and a trial (NCT00680992): none of them is the paper's.
    assert (paper["pmid"], paper["doi"], paper["pmcid"], paper["nct"]) == (
        "25364329", "10.1055/s-0034-1387804", "PMC4212699", None)
    assert paper["id"] == "doi:10.1055/s-0034-1387804"
    (trial,), _, _ = classify(DATA / "ctgov" / "NCT02210780.json")
    assert (trial["nct"], trial["pmid"], trial["doi"], trial["pmcid"]) == ("NCT02210780", None, None, None)
    lines, _, _ = classify(DATA / "europepmc" / "search_cancer_core.json")
    assert len(lines) == 25 and [line["position"] for line in lines] == list(range(1, 26))
    screening = next(line for line in lines if line["pmid"] == "40437959")
    assert screening["pmcid"] == "PMC12120539"


def test_a_medline_citation_set_is_read_plain_and_gzipped(tmp_path):
    lines, error, _ = classify(MEDLINE_2016)
    assert error is None
    assert [line["pmid"] for line in lines] == MEDLINE_2016_PMIDS
    assert all(line["title"] and line["facets"] is not None for line in lines)
    # The last eight carry a neoplasm heading (with /immunology): their MeSH reaches the classifier.
    from_mesh = [any(t["source"] == "subject" for t in line["facets"].get("cancer_type", []))
                 for line in lines]
    assert not any(from_mesh[:8]) and sum(from_mesh[8:]) >= 3
    packed = tmp_path / "medline16n0001.xml.gz"
    packed.write_bytes(gzip.compress(MEDLINE_2016.read_bytes()))
    gz_lines, gz_error, _ = classify(packed)
    assert gz_error is None
    assert [{**line, "file": ""} for line in gz_lines] == [{**line, "file": ""} for line in lines]
    # Ingestion reads the same layout (`ingest-file` used to report "fetched 0" and exit 0).
    records = list(pubmed.iter_pubmed_file(packed))
    assert [r.identifiers["pmid"] for r in records] == MEDLINE_2016_PMIDS
    assert records[0].subjects[:2] == ["Abattoirs", "Animals"]
    assert [r.identifiers["pmid"] for r in parse_bytes(MEDLINE_2016.read_bytes())] == MEDLINE_2016_PMIDS


def test_book_articles_and_journal_articles_mixed_as_efetch_returns_them():
    book = BOOK.read_bytes()
    book_record = book.split(b"<PubmedArticleSet>")[1].split(b"</PubmedArticleSet>")[0]
    mixed = article_set([book_record, *tuning_articles(1)])
    records = parse_bytes(mixed)
    assert [r.identifiers for r in records] == [{"pmid": "20301546"}, {"pmid": "399296"}]
    chapter = records[0]
    assert chapter.title == "Hereditary Motor and Sensory Neuropathy with Agenesis of the Corpus Callosum"
    # The chapter's authors, not the book's editors.
    assert chapter.authors == ["Claudie Gauvreau", "Jean-Denis Brisson", "Nicolas Dupré"]
    assert chapter.extra["journal"] == "GeneReviews®" and chapter.extra["publication_types"] == ["Review"]
    assert chapter.summary.startswith("<p><strong>Clinical characteristics:</strong> Hereditary motor")
    assert "SLC12A6" in chapter.extra["keywords"]
    assert chapter.published.year == 2006  # the chapter's contribution date, not the book's 1993
    (line,), error, _ = classify(BOOK)
    assert error is None and line["pmid"] == "20301546" and line["pmcid"] is None  # PMCs of its references


def test_a_known_format_file_with_no_record_exits_non_zero_and_says_why(tmp_path):
    empty = TESTDATA / "ingest" / "pubmed" / "37909814.xml"  # a real efetch answer: an empty set
    lines, error, stderr = classify(empty)
    assert lines == [] and error is not None
    assert f"classify: {empty}: no record in this file" in stderr
    with pytest.raises(IngestError, match="^parser: no PubmedArticle, PubmedBookArticle or MedlineCitation"):
        list(pubmed.iter_pubmed_file(empty))
    # One good file beside it is still classified, and the exit status still says one was not.
    lines, error, _ = classify(BOOK, empty)
    assert len(lines) == 1 and "1 of 2 files" in str(error)


def test_a_truncated_file_keeps_the_records_before_the_cut(tmp_path):
    data = article_set(tuning_articles(3))
    path = tmp_path / "cut.xml.gz"
    path.write_bytes(gzip.compress(data[: data.rindex(b"</PubmedArticle>") - 200]))
    lines, error, stderr = classify(path)
    assert [line.get("error", "") for line in lines][:2] == ["", ""]
    assert lines[2]["error"] == "parser: record 3 is cut off at the end of the file"
    assert error is not None and "could not be read" in stderr


def test_entities_are_refused_and_an_undeclared_one_costs_its_record_only(tmp_path):
    evil = tmp_path / "evil.xml"
    evil.write_bytes(b'<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY a "aaaaaaaaaa">]>'
                     + article_set(tuning_articles(1)).split(b"?>", 1)[1].replace(b"Monitoring", b"&a;"))
    lines, error, stderr = classify(evil)
    assert lines == [] and "xml: entity declarations are not allowed" in stderr
    articles = tuning_articles(3)
    sneaky = tmp_path / "sneaky.xml"
    undeclared = articles[1].replace(b"<ArticleTitle>", b"<ArticleTitle>&xxe;")
    sneaky.write_bytes(article_set([articles[0], undeclared, articles[2]]))
    lines, _, _ = classify(sneaky)
    assert [("error" in line) for line in lines] == [False, True, False]
    assert "xxe" in lines[1]["error"]


def test_the_reader_streams_instead_of_reading_the_whole_file():
    class Counting(io.BufferedIOBase):
        def __init__(self, raw):
            self.raw, self.consumed = raw, 0

        def read(self, size=-1):
            data = self.raw.read(size)
            self.consumed += len(data)
            return data

    stream = Counting(gzip.open(TUNING))  # 86 MB of XML unpacked
    records = pubmed_stream.iter_records(stream)
    first = next(records)
    assert first.tag == "PubmedArticle"
    assert stream.consumed <= 2 * pubmed_stream.BLOCK
    for _ in range(2000):
        next(records)
    assert stream.consumed < 16 * pubmed_stream.BLOCK  # ~12 MB hold 2,000 records; nothing read ahead


def test_the_light_inputs_equal_the_record_path_on_every_pubmed_fixture():
    paths = [*sorted((DATA / "pubmed").glob("*.xml")),
             *sorted((TESTDATA / "ingest" / "pubmed").glob("*.xml")),
             BOOK, MEDLINE_2016]
    compared = 0
    for path in paths:
        with pubmed_stream.open_file(path) as stream:
            for element in pubmed_stream.iter_records(stream):
                record = pubmed.record_from_article(element)
                light = pubmed_inputs(element)
                assert (light.title, light.text, light.subjects) == record_inputs(record), path
                assert {k: v for k, v in light.identifiers.items() if k != "nct"} == record.identifiers, path
                compared += 1
    assert compared > 180


@pytest.mark.django_db
def test_ingest_file_stores_a_medline_citation_set_and_fails_on_an_empty_pubmed_file(tmp_path):
    from epitope.ingest.models import Item

    packed = tmp_path / "medline16n0902.xml.gz"
    packed.write_bytes(gzip.compress(MEDLINE_2016.read_bytes()))
    out = io.StringIO()
    call_command("ingest-file", str(packed), "--json", stdout=out, stderr=io.StringIO())
    summary = json.loads(out.getvalue())
    assert (summary["totals"]["fetched"], summary["totals"]["errors"]) == (16, 0)
    assert sorted(Item.objects.values_list("pmid", flat=True)) == sorted(MEDLINE_2016_PMIDS)
    empty = TESTDATA / "ingest" / "pubmed" / "37909814.xml"
    with pytest.raises(SystemExit) as exit_info:
        call_command("ingest-file", str(empty), "--json", stdout=io.StringIO(), stderr=io.StringIO())
    assert exit_info.value.code == 1


def test_an_unreadable_record_of_another_format_gets_its_line_in_its_place():
    # A Europe PMC answer whose second and third results carry a number and a list where text belongs.
    lines, error, stderr = classify(TESTDATA / "ingest" / "crafted" / "europepmc_int_title.json")
    assert [line["position"] for line in lines] == [1, 2, 3, 4]
    assert [line["pmid"] for line in lines] == ["1", None, None, "4"]
    assert all(line["error"].startswith("parser: ") and line["id"] is None for line in lines[1:3])
    assert error is not None and "2 of 4 records could not be read" in stderr


def test_the_same_file_gives_the_same_lines_in_every_run(tmp_path):
    # A heading that stands for several concepts ("Leukemia, Myeloid, Acute": leukaemia and AML)
    # once added them in set order, which changes with the interpreter's hash seed: two runs of
    # one file differed on a few records in a thousand. Each run here is its own process.
    articles = re.findall(rb"<PubmedArticle>.*?</PubmedArticle>", gzip.open(TUNING).read(8_000_000), re.S)
    path = tmp_path / "first-1000.xml"
    path.write_bytes(article_set(articles[:1000]))
    outputs = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "DJANGO_SETTINGS_MODULE": "epitope.settings.test"}
        done = subprocess.run([sys.executable, "-m", "epitope.cli", "classify", str(path), "-v", "0"],
                              env=env, capture_output=True, check=True, cwd=Path(__file__).parent.parent)
        outputs.append(done.stdout)
    assert outputs[0].count(b"\n") == 1000
    assert outputs[0] == outputs[1] == outputs[2]
