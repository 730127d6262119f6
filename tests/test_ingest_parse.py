"""Every source format parses into what a reader sees on the source's own page."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from epitope.ingest import parse as parse_module
from epitope.ingest.parse import parse_bytes, parse_document
from epitope.ingest.records import IngestError
from epitope.ingest.sanitize import clean_html, plain_text
from epitope.ingest.sources import biorxiv, ctgov, europepmc, pubmed

DATA = Path(__file__).parent / "testdata" / "ingest"
UTC = dt.timezone.utc


def read(relative: str) -> bytes:
    return (DATA / relative).read_bytes()


def one(relative: str, **kwargs):
    records = parse_bytes(read(relative), **kwargs)
    assert len(records) == 1
    return records[0]


# --- encodings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, feed_title, first_item",
    [
        ("koi8r.xml", "Пример RSS ленты", "Первая новость"),
        ("encoding_WINDOWS-1251.xml", "iBash.Org.Ru", "Цитата #17703"),
        ("encoding_ISO-8859-1.xml", "Golem.de", "Red Dead Redemption 2: Hinweise auf PC-Umsetzung in App von Rockstar Games"),
        ("iso-8859-1.xml", "Café", None),
        ("windows-1252.xml", "Euro €", None),
        # A prolog that lies: UTF-8 bytes declared windows-1252 / ISO-8859-1, or an unknown name.
        ("windows-1252-incorrect-prolog.xml", "Euro €", None),
        ("utf8-incorrect-prolog.xml", "테스트 피드", "Café"),
        ("invalid-prolog.xml", "테스트 피드", "Café"),
        ("utf8.xml", "테스트 피드", "Café"),
        ("no_encoding_ISO-8859-1.xml", "Flux RSS du magazine de psychologie Le Cercle Psy",
         "Perturbateurs endocriniens : quels effets sur le cerveau ?"),
        ("urdu_UTF8.xml", "BBC News اردو - پاکستان کے لیے امریکی امداد کی بہار و خزاں",
         "امریکی عسکری امداد کی بندش کی وجوہات: انڈیا سے جنگ، جوہری پروگرام اور اب دہشت گردوں کی پشت پناہی"),
        ("rdf_UTF8.xml", "heise online News", "OLED-TVs: Vorsichtsmaßnahmen gegen Einbrennen"),
    ],
)  # fmt: skip
def test_feed_encodings_come_out_as_unicode(name, feed_title, first_item):
    document = parse_document(read(f"feeds/{name}"))
    assert document.title == feed_title
    if first_item is not None:
        assert document.records[0].title == first_item


def test_cyrillic_descriptions_decode_too():
    koi8 = parse_bytes(read("feeds/koi8r.xml"))
    assert "Привет мир! Ёжик, чай, Москва, Санкт-Петербург." in koi8[0].summary
    assert "&amp; &lt; &gt;" in koi8[1].summary  # escaped text stays escaped in HTML
    cp1251 = parse_bytes(read("feeds/encoding_WINDOWS-1251.xml"))
    assert cp1251[0].summary.startswith("xxx: есть у кого жаба программер <br>")


def test_undeclared_latin1_follows_the_http_charset_or_cp1252():
    records = parse_bytes(read("feeds/no_encoding_ISO-8859-1.xml"), content_type="text/xml; charset=ISO-8859-1")
    assert "adoptée en 2014" in records[1].summary


# --- RSS 2.0, RDF, Atom ------------------------------------------------------------------------


def test_rss2_item_fields():
    document = parse_document(read("feeds/encoding_ISO-8859-1.xml"))
    assert document.format == "rss"
    item = document.records[0]
    assert item.link == (
        "https://www.golem.de/news/red-dead-redemption-2-hinweise-auf-pc-umsetzung-in-app-von-"
        "rockstar-games-1810-137358-rss.html"
    )
    assert item.identifiers == {"guid": "https://www.golem.de/1810/137358-rss.html"}
    assert item.published == dt.datetime(2018, 10, 28, 12, 48, tzinfo=UTC)
    assert item.summary.startswith("Viele Spieler wünschen sich eine PC-Version von Red Dead Redemption 2")
    assert '<a href="https://www.golem.de/specials/red-dead-redemption-2/" rel="noopener noreferrer">' in item.summary
    assert item.kind == "news" and item.source_format == "rss"
    assert item.raw.startswith(b"<item")


def test_atom_entry_fields():
    document = parse_document(read("feeds/large_atom.xml"))
    assert (document.format, document.title, document.link) == ("atom", "Artificial truth", "https://dustri.org/b/")
    entry = document.records[0]
    assert entry.title == "Using vale with vim"
    assert entry.link == "https://dustri.org/b/using-vale-with-vim.html"
    assert entry.authors == ["jvoisin"]
    assert entry.identifiers["guid"] == "tag:dustri.org,2024-03-10:/b/using-vale-with-vim.html"
    assert entry.published == dt.datetime(2024, 3, 10, 16, 15, tzinfo=UTC)
    assert entry.summary.startswith('<p><a href="https://en.wikipedia.org/wiki/LWN.net" rel="noopener noreferrer">LWN</a>')
    assert len(document.records) == 25


def test_atom_titles_are_trimmed_and_content_is_sanitised():
    entry = parse_bytes(read("feeds/small_atom.xml"))[0]
    assert entry.title == "Parse podcast categories"
    assert entry.summary == "<pre>Parse podcast categories</pre>"  # style attribute gone
    assert entry.updated == dt.datetime(2024, 3, 12, 5, 30, 27, tzinfo=UTC)


def test_rss_and_atom_of_the_same_blog_agree():
    rss = parse_bytes(read("feeds/large_rss.xml"))
    atom = parse_bytes(read("feeds/large_atom.xml"))
    assert [r.title for r in rss] == [a.title for a in atom]
    assert [r.published for r in rss] == [a.published for a in atom]


def test_rdf_items():
    records = parse_bytes(read("feeds/rdf_UTF8.xml"))
    assert len(records) == 60
    assert records[1].title == "Mega-Deal: IBM übernimmt Red Hat"
    assert records[1].source_format == "rdf"
    assert records[1].link.startswith("https://www.heise.de/newsticker/meldung/Mega-Deal-IBM-uebernimmt-Red-Hat-4205582")


def test_biorxiv_rss_item_is_a_preprint_with_its_doi_and_authors():
    item = one("feeds/rss_1.0_biorxiv.xml")
    assert item.kind == "preprint"
    assert item.title.startswith("Complete genome of the Medicago anthracnose fungus, Colletotrichum destructivum")
    assert item.link == "http://biorxiv.org/cgi/content/short/2023.12.16.571984v1?rss=1"
    assert item.identifiers["preprint_doi"] == "10.1101/2023.12.16.571984"
    assert item.authors[:3] == ["LAPALU, N.", "SIMON, A.", "Lu, A."]
    assert item.authors[-1] == "O'Connell, R. J."
    assert len(item.authors) == 10
    assert item.published == dt.datetime(2023, 12, 16, tzinfo=UTC)
    assert item.summary.startswith("Colletotrichum destructivum (Cd) is a phytopathogenic fungus")


def test_malformed_feed_falls_back_to_the_tolerant_parser():
    broken = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Lab news & notes</title>'
        b"<item><title>CAR-T <b>update</title><link>https://lab.example.org/car-t</link>"
        b"<description><![CDATA[<p>New data.</p><script>x()</script>]]></description>"
        b"<pubDate>Tue, 04 Jun 2024 10:00:00 GMT</pubDate></item></channel></rss>"
    )
    document = parse_document(broken)
    assert document.title == "Lab news & notes"
    item = document.records[0]
    assert item.title == "CAR-T update"
    assert item.link == "https://lab.example.org/car-t"
    assert item.summary == "<p>New data.</p>"
    assert item.published == dt.datetime(2024, 6, 4, 10, 0, tzinfo=UTC)
    assert item.extra["tolerant_parse"] is True


def test_the_tolerant_parser_is_only_ever_handed_bytes(monkeypatch):
    seen = []
    real = parse_module.feeds_fallback.feedparser.parse

    def spy(source, *args, **kwargs):
        seen.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(parse_module.feeds_fallback.feedparser, "parse", spy)
    # A body that is a path: feedparser would open the file if given it as str or bytes.
    with pytest.raises(IngestError):
        parse_bytes(b"/etc/passwd")
    assert seen and all(hasattr(s, "read") for s in seen)
    with pytest.raises(TypeError):
        parse_bytes("https://example.org/feed.xml")


def test_not_a_feed():
    with pytest.raises(IngestError, match="^parser: unable to detect feed format"):
        parse_bytes(b"<html><body>Hello</body></html>")
    with pytest.raises(IngestError, match="^parser: empty document"):
        parse_bytes(b"  \n")
    with pytest.raises(IngestError, match="^parser: unknown format"):
        parse_bytes(b"<rss/>", format="csv")


# --- JSON Feed ---------------------------------------------------------------------------------


def test_jsonfeed_items():
    document = parse_document(read("own/jsonfeed.json"))
    assert (document.format, document.title) == ("jsonfeed", "Tumour Immunology Notes")
    first, second = document.records
    assert first.title == "TIL therapy & melanoma: what the phase 3 data say"
    assert first.authors == ["Ana Ribeiro", "Tom Okafor"]
    assert first.published == dt.datetime(2024, 6, 3, 7, 30, tzinfo=UTC)
    assert first.identifiers == {"guid": "https://notes.example.org/2024/06/til-therapy"}
    assert "<script" not in first.summary and "onclick" not in first.summary and "javascript:" not in first.summary
    assert '<a href="https://notes.example.org/2024/05/background" rel="noopener noreferrer">Background</a>' in first.summary
    assert first.extra["categories"] == ["melanoma", "cell therapy"]
    assert second.authors == ["Notes desk"]  # the feed's authors when the item has none
    assert second.summary == "<p>Plain text &lt;not markup&gt; &amp; a preprint worth a look.</p>"
    assert second.identifiers["preprint_doi"] == "10.1101/2023.12.16.571984"
    assert json.loads(second.raw)["id"] == "note-2"


# --- PubMed ------------------------------------------------------------------------------------


def test_pubmed_checkpoint_inhibitor_record():
    record = one("pubmed/38704912.xml")
    assert record.title == (
        "Patient-reported outcomes and experiences from a prospective cohort study of older "
        "patients with cancer on checkpoint inhibitors: The ELDERS study."
    )
    assert record.authors[:2] == ["Fabio Gomes", "Binish Khatoon"]
    assert len(record.authors) == 6
    assert record.identifiers == {"pmid": "38704912", "doi": "10.1016/j.jgo.2024.101777"}
    assert record.link == "https://pubmed.ncbi.nlm.nih.gov/38704912/"
    assert record.published == dt.datetime(2024, 5, 4, tzinfo=UTC)
    assert record.extra["journal"] == "Journal of geriatric oncology"
    assert record.extra["pub_date"] == "2024 Jun"
    assert "Neoplasms" in record.subjects and "Immune Checkpoint Inhibitors" in record.subjects
    assert record.summary.startswith("<p><strong>Introduction:</strong> Checkpoint inhibitors (CPI) are widely used")
    assert record.kind == "paper" and record.source_format == "pubmed"


def test_pubmed_record_with_pmcid_and_many_authors():
    record = one("pubmed/39236155.xml")
    assert record.title == "Hematopoietic aging promotes cancer by fueling IL-1⍺-driven emergency myelopoiesis."
    assert record.identifiers == {"pmid": "39236155", "pmcid": "PMC7616710", "doi": "10.1126/science.adn0327"}
    assert record.authors[0] == "Matthew D Park" and len(record.authors) == 39
    assert record.extra["journal"] == "Science (New York, N.Y.)"


def test_pubmed_collective_author_medline_date_and_erratum():
    assert one("pubmed/34843274.xml").authors == ["Guideline Development Panel for the Treatment of Depressive Disorders"]
    record = one("pubmed/23657305.xml")
    assert record.extra["pub_date"] == "2013 Jan-Mar"
    assert record.published == dt.datetime(2013, 1, 1, tzinfo=UTC)
    erratum = one("pubmed/38962805.xml")
    assert erratum.title == "Correction."
    assert erratum.extra["publication_types"] == ["Journal Article", "Published Erratum"]
    assert erratum.identifiers["doi"] == "10.1080/09540121.2024.2374185"  # from ELocationID


def test_pubmed_multi_record_and_empty_sets():
    records = parse_bytes(read("pubmed/pubmed1.xml"))
    assert [r.identifiers["pmid"] for r in records] == ["12091962", "9997"]
    assert records[0].subjects[:2] == ["AIDS Serodiagnosis", "Acquired Immunodeficiency Syndrome"]
    assert parse_bytes(read("pubmed/37909814.xml")) == []
    with pytest.raises(IngestError, match="^parser: not PubMed XML"):
        parse_bytes(read("feeds/koi8r.xml"), format="pubmed")


def test_pubmed_baseline_file_streams_with_bounded_memory(tmp_path):
    # A baseline-shaped file: one set holding many articles (35 MB unpacked), gzipped as NLM
    # ships it. Streamed in a fresh interpreter so its peak RSS measures this alone.
    article = read("pubmed/39337530.xml").split(b"<PubmedArticleSet>")[1].split(b"</PubmedArticleSet>")[0]
    path = tmp_path / "pubmed25n0001.xml.gz"
    copies = 400
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(b'<?xml version="1.0" ?>\n<PubmedArticleSet>\n')
        for _ in range(copies):
            out.write(article)
        out.write(b"</PubmedArticleSet>\n")
    unpacked = len(article) * copies
    script = (
        "import sys\n"
        "from epitope.ingest.sources.pubmed import iter_pubmed_file\n"
        "before = int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])\n"
        "pmids = {r.identifiers['pmid'] for r in iter_pubmed_file(sys.argv[1])}\n"
        "count = sum(1 for _ in iter_pubmed_file(sys.argv[1]))\n"
        "after = int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])\n"
        "print(count, ','.join(pmids), (after - before) * 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True)
    count, pmids, growth = out.stdout.split()
    assert (int(count), pmids) == (copies, "39337530")
    assert int(growth) < unpacked / 3  # one article at a time, not the whole file


# --- Europe PMC --------------------------------------------------------------------------------


def test_europepmc_core_results():
    records = parse_bytes(read("europepmc/search_cancer_core.json"))
    assert len(records) == 25
    first = records[0]
    assert first.title == "Abscopal response in a patient with fibrolamellar hepatocellular carcinoma following radiotherapy."
    assert first.authors == ["Jonathan D Schoenfeld", "Daphne A Haas-Kogan", "Allison F O'Neill"]
    assert first.identifiers == {"doi": "10.1016/s0140-6736(24)02600-x", "pmid": "39709209"}
    assert first.extra["journal"] == "Lancet (London, England)"
    assert first.published == dt.datetime(2025, 12, 1, tzinfo=UTC)
    screening = next(r for r in records if r.identifiers.get("pmid") == "40437959")
    assert screening.identifiers["pmcid"] == "PMC12120539"
    assert screening.subjects[:2] == ["Humans", "Neoplasms"]
    assert screening.summary.startswith("<h4>Issue addressed</h4>Despite national cancer screening programs")
    assert all(r.kind == "paper" for r in records)


def test_europepmc_lite_page2_and_no_results():
    page2 = json.loads(read("europepmc/search_cancer_page2.json"))
    records = europepmc.records_from_json(page2)
    assert [r.identifiers["pmid"] for r in records] == ["39709209", "39709208", "40468710", "40464630", "40493882"]
    assert records[0].authors == ["Schoenfeld JD", "Haas-Kogan DA", "O'Neill AF"]
    assert europepmc.next_cursor(page2, "*") == "AoIIP4lkIig1MzE0NTMwOA=="
    empty = json.loads(read("europepmc/search_no_results.json"))
    assert parse_bytes(read("europepmc/search_no_results.json")) == []
    assert europepmc.next_cursor(empty) is None


def test_europepmc_preprints_are_preprints():
    doc = {"resultList": {"result": [{"id": "PPR123", "source": "PPR", "doi": "10.1101/2024.01.01.000001",
                                      "title": "A preprint", "firstPublicationDate": "2024-01-02"}]}}  # fmt: skip
    record = europepmc.records_from_json(doc)[0]
    assert record.kind == "preprint"
    assert record.identifiers == {"preprint_doi": "10.1101/2024.01.01.000001"}
    assert record.link == "https://europepmc.org/article/PPR/PPR123"


def test_europepmc_xml_is_refused_with_advice():
    with pytest.raises(IngestError, match="request format=json"):
        parse_bytes(read("europepmc/search_cancer.xml"))


# --- bioRxiv details API -----------------------------------------------------------------------


def test_biorxiv_details():
    document = parse_document(read("own/biorxiv_details.json"))
    assert document.format == "biorxiv"
    first, second = document.records
    assert first.kind == "preprint"
    assert first.identifiers == {"preprint_doi": "10.1101/2023.12.16.571984"}
    assert first.link == "https://www.biorxiv.org/content/10.1101/2023.12.16.571984v1"
    assert first.authors[:2] == ["Lapalu, N.", "Simon, A."] and len(first.authors) == 10
    assert first.published == dt.datetime(2023, 12, 16, tzinfo=UTC)
    assert first.summary.count("<p>") == 2
    assert "published_doi" not in first.extra
    assert second.title == "CD8+ T cell exhaustion signatures predict response to PD-1 blockade"
    assert second.extra["published_doi"] == "10.1016/j.example.2024.01.001"
    assert second.subjects == ["cancer biology"]
    assert "&lt;b&gt;limit&lt;/b&gt;" in second.summary
    assert biorxiv.next_cursor(json.loads(read("own/biorxiv_details.json"))) == 2


# --- ClinicalTrials.gov ------------------------------------------------------------------------


def test_ctgov_v2_record_named_by_its_own_nct_id():
    trial = one("ctgov/NCT02278341.json")  # the file name lies; the record is NCT02552212
    assert trial.identifiers == {"nct": "NCT02552212"}
    assert trial.link == "https://clinicaltrials.gov/study/NCT02552212"
    assert trial.title == (
        "Multicenter Study Evaluating Certolizumab Pegol Compared to Placebo in Subjects With axSpA "
        "Without X-ray Evidence of AS"
    )
    assert trial.kind == "trial"
    assert trial.published == dt.datetime(2015, 9, 17, tzinfo=UTC)
    assert trial.updated == dt.datetime(2022, 8, 18, tzinfo=UTC)
    assert trial.extra["phases"] == ["PHASE3"]
    assert trial.extra["enrollment"] == 317
    assert trial.extra["overall_status"] == "COMPLETED"
    assert trial.extra["sponsor"] == "UCB BIOSCIENCES GmbH"
    assert trial.subjects[:5] == [
        "Axial Spondyloarthritis", "Nonradiographic Axial Spondyloarthritis", "Nr-axSpA",
        "Certolizumab Pegol", "Placebo",
    ]  # fmt: skip


def test_ctgov_v2_small_and_minimal_records():
    trial = one("ctgov/NCT03418623.json")
    assert trial.subjects == ["Alcohol Use Disorder", "GET73", "Placebo", "Glutamate", "Alcohol use", "GABA",
                              "Non-treatment seeking"]  # fmt: skip
    assert trial.authors == ["Raymond F Anton, MD"]
    assert trial.extra["phases"] == ["PHASE2"] and trial.extra["enrollment"] == 24
    assert trial.summary == "<p>This study is aimed at examining whether GET73...</p>"
    minimal = one("ctgov/NCT03453554.json")
    assert minimal.identifiers == {"nct": "NCT03453554"} and minimal.title == "Evaluating a Digital..."
    observational = one("ctgov/NCT06171568.json")
    assert observational.title == "Lariboisière Cognitive Assessment: Evaluation of the 1-year Outcomes"
    assert "phases" not in observational.extra and observational.extra["overall_status"] == "NOT_YET_RECRUITING"


def test_ctgov_v2_search_page_and_token():
    study = json.loads(read("ctgov/NCT03418623.json"))
    page = {"studies": [study, json.loads(read("ctgov/NCT06171568.json"))], "nextPageToken": "NF0g5JGBlPMq"}
    records = parse_bytes(json.dumps(page).encode())
    assert [r.identifiers["nct"] for r in records] == ["NCT03418623", "NCT06171568"]
    assert ctgov.next_page_token(page) == "NF0g5JGBlPMq"
    assert ctgov.next_page_token({"studies": []}) is None


@pytest.mark.parametrize("name", ["NCT04780763.json", "NCT00023673.json"])
def test_ctgov_v1_records_are_refused_naming_the_format(name):
    with pytest.raises(IngestError, match=r"^parser: ClinicalTrials\.gov API v1 format \(FullStudiesResponse\)"):
        parse_bytes(read(f"ctgov/{name}"))


# --- hostile XML -------------------------------------------------------------------------------

ATTACKS = ["xmlbomb.xml", "xmlbomb2.xml", "quadratic.xml", "cyclic.xml", "external.xml", "external_file.xml"]


@pytest.mark.parametrize("name", sorted(p.name for p in (DATA / "hostile").iterdir()))
def test_every_hostile_file_is_refused(name):
    with pytest.raises(IngestError) as refused:
        parse_bytes(read(f"hostile/{name}"))
    message = str(refused.value)
    if name in ATTACKS:
        assert message == "xml: entity declarations are not allowed"
    elif name == "dtd_element.xml":
        assert message == "xml: DTD declarations are not allowed"
    elif name == "dtd.xml":  # an XHTML page
        assert message == "parser: unable to detect feed format: this is an HTML page, not a feed"
    else:  # well-formed, harmless, but not a feed (XSLT, XSD, bare XML)
        assert message == "parser: unable to detect feed format"


@pytest.mark.parametrize("fmt", ["rss", "atom", "pubmed", None])
def test_attacks_are_refused_whatever_format_is_claimed(fmt):
    for name in ATTACKS:
        with pytest.raises(IngestError, match="^xml: entity declarations are not allowed"):
            parse_bytes(read(f"hostile/{name}"), format=fmt)


def test_a_bigger_billion_laughs_is_refused_before_it_grows():
    levels = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 12))
    bomb = f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e0 "lol">{levels}]><rss><channel><title>&e11;</title></channel></rss>'
    tracemalloc.start()
    with pytest.raises(IngestError, match="^xml: entity declarations"):
        parse_bytes(bomb.encode())
    assert tracemalloc.get_traced_memory()[1] < 5_000_000
    tracemalloc.stop()


def test_entity_declarations_are_refused_in_streamed_files_too(tmp_path):
    path = tmp_path / "evil.xml"
    path.write_bytes(read("hostile/xmlbomb.xml").replace(b"bomb>", b"PubmedArticle>"))
    with pytest.raises(IngestError, match="^xml: entity declarations"):
        list(pubmed.iter_pubmed_file(path))


# --- sanitising --------------------------------------------------------------------------------


def test_clean_html_allowlist():
    dirty = (
        '<h1>Big</h1><h2>Sub</h2><p style="color:red" onmouseover="x()">Text <img src="x" onerror="y()">'
        '<a href="https://ex.org/a" target="_blank">ok</a> <a href="javascript:alert(1)">js</a> '
        '<a href="mailto:desk@example.org">mail</a> <a href="data:text/html,x">data</a></p>'
        "<style>p{}</style><script>steal()</script><iframe src=https://evil.example></iframe>"
    )
    clean = clean_html(dirty, base_url="https://journal.example.org/news/1")
    assert clean == (
        'Big<h2>Sub</h2><p>Text <a href="https://ex.org/a" rel="noopener noreferrer">ok</a> '
        '<a rel="noopener noreferrer">js</a> <a href="mailto:desk@example.org" rel="noopener noreferrer">mail</a> '
        '<a rel="noopener noreferrer">data</a></p>'
    )


def test_relative_links_resolve_against_the_item_or_go():
    assert clean_html('<a href="/x">x</a>', base_url="https://a.example/b/c") == (
        '<a href="https://a.example/x" rel="noopener noreferrer">x</a>'
    )
    assert clean_html('<a href="/x">x</a>') == '<a rel="noopener noreferrer">x</a>'


def test_a_relative_link_beside_absolute_ones_still_resolves():
    # Items without relative links share one sanitiser; any relative one must still find its base.
    base = "https://a.example/b/c"
    mixed = '<a href="https://ex.org/a">a</a> <A HREF = \'rel/x\'>r</A> <a href="&#104;ttps://ex.org/e">e</a>'
    assert clean_html(mixed, base_url=base) == (
        '<a href="https://ex.org/a" rel="noopener noreferrer">a</a> '
        '<a href="https://a.example/b/rel/x" rel="noopener noreferrer">r</a> '
        '<a href="https://ex.org/e" rel="noopener noreferrer">e</a>'
    )
    assert clean_html('<a href="https://ex.org/a">a</a>', base_url=base) == (
        '<a href="https://ex.org/a" rel="noopener noreferrer">a</a>'
    )


def test_summaries_without_markup_come_out_as_they_went_in_or_escaped():
    # Plain text skips the sanitiser; anything it would rewrite still goes through it.
    assert clean_html('  Plain "quoted" text, ünïcode — and\nlines  ') == 'Plain "quoted" text, ünïcode — and\nlines'
    assert clean_html("a > b") == "a &gt; b"
    assert clean_html("AT&T\r\nnext") == "AT&amp;T\nnext"
    assert clean_html("no\xa0break") == "no&nbsp;break"


def test_plain_text():
    assert plain_text("<p>A &amp; B</p><script>x()</script>\n  <i>C</i>") == "A & B C"
    assert plain_text("AT&T  rocks") == "AT&T rocks"


# --- request builders --------------------------------------------------------------------------


def test_pubmed_request_builders():
    url = pubmed.esearch_url("checkpoint inhibitor[tiab]", api_key="KEY", mindate="2024/01/01")
    assert url.startswith("https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi?db=pubmed&term=checkpoint+inhibitor%5Btiab%5D")
    assert "api_key=KEY" in url and "mindate=2024%2F01%2F01" in url and "retmode=json" in url
    assert "api_key" not in pubmed.efetch_url(["1", "2"])
    assert "id=1%2C2" in pubmed.efetch_url(["1", "2"])
    assert "tool=epitope" in url and "email=ops%40example.org" in pubmed.efetch_url(["1"], email="ops@example.org")
    ids, count = pubmed.esearch_ids(b'{"esearchresult": {"count": "2", "idlist": ["39236155", "38704912"]}}')
    assert (ids, count) == (["39236155", "38704912"], 2)
    # The shared pace NCBI's limit needs: tests/test_ingest_pacing.py.


def test_other_request_builders():
    assert europepmc.search_url("PD-1 AND melanoma", cursor_mark="AoIIP4") == (
        "https://www.ebi.ac.uk/europepmc/webservices/rest/search?query=PD-1+AND+melanoma&format=json"
        "&resultType=core&pageSize=100&cursorMark=AoIIP4"
    )
    assert biorxiv.details_url("medrxiv", "2024-01-01", "2024-01-31", cursor=100, category="Oncology") == (
        "https://api.biorxiv.org/details/medrxiv/2024-01-01/2024-01-31/100/json?category=oncology"
    )
    assert biorxiv.details_url("biorxiv", dt.date(2024, 1, 1), dt.date(2024, 1, 2), category="cancer biology").endswith(
        "/biorxiv/2024-01-01/2024-01-02/0/json?category=cancer_biology"
    )
    url = ctgov.studies_url(condition="melanoma", intervention="pembrolizumab", page_token="abc", updated_since="2024-01-01")
    assert url.startswith("https://clinicaltrials.gov/api/v2/studies?format=json&pageSize=100")
    assert "query.cond=melanoma" in url and "query.intr=pembrolizumab" in url and "pageToken=abc" in url
    assert "filter.advanced=AREA%5BLastUpdatePostDate%5DRANGE%5B2024-01-01%2CMAX%5D" in url


def test_utf16_feed_with_bom():
    text = read("feeds/koi8r.xml").decode("koi8-r").replace('encoding="KOI8-R"', 'encoding="UTF-16"')
    for data in (text.encode("utf-16"), b"\xef\xbb\xbf" + text.encode("utf-8")):
        document = parse_document(data)
        assert document.title == "Пример RSS ленты"
        assert [r.title for r in document.records] == ["Первая новость", "Вторая новость"]
