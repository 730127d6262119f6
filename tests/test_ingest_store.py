"""Storing records: once, updated when they change, never resurrected after an editor deletes them."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from epitope.ingest.models import Item, Source, SourceRun, Tombstone
from epitope.ingest.pipeline import ingest_records
from epitope.ingest.records import IngestError, Record

pytestmark = pytest.mark.django_db


def paper(n, **extra):
    return Record(
        title=extra.pop("title", f"Checkpoint blockade study number {n} in melanoma patients"),
        link=f"https://pubmed.ncbi.nlm.nih.gov/{38000000 + n}/",
        authors=["Ada Lovelace", "Alan Turing"],
        published=dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.timezone.utc),
        summary=extra.pop("summary", f"Abstract {n}: PD-1 blockade in {n} patients with advanced melanoma."),
        identifiers={"pmid": str(38000000 + n), **extra.pop("identifiers", {})},
        kind="paper",
        source_format="pubmed",
        raw=f"<PubmedArticle>{n}</PubmedArticle>",
        **extra,
    )


@pytest.fixture
def source():
    return Source.objects.create(name="PubMed: checkpoint", kind="pubmed", query="checkpoint inhibitor")


def test_records_are_stored_with_their_fields(source):
    summary = ingest_records(source, [paper(1, identifiers={"doi": "10.1000/abc", "nct": "NCT01234567"})])
    assert (summary.fetched, summary.new, summary.updated, summary.duplicates) == (1, 1, 0, 0)
    item = Item.objects.get()
    assert item.identity == "doi:10.1000/abc"
    assert (item.doi, item.pmid, item.nct) == ("10.1000/abc", "38000001", "NCT01234567")
    assert item.source == source and item.status == Item.NEW
    assert item.authors == ["Ada Lovelace", "Alan Turing"]
    assert bytes(item.raw) == b"<PubmedArticle>1</PubmedArticle>"
    assert item.cluster is not None and item.cluster.size == 1


def test_reingesting_the_same_data_creates_nothing(source):
    records = [paper(n) for n in range(30)]
    first = ingest_records(source, records)
    second = ingest_records(source, [paper(n) for n in range(30)])
    assert first.new == 30
    assert (second.new, second.updated, second.duplicates) == (0, 0, 30)
    assert Item.objects.count() == 30


def test_a_changed_item_is_updated_not_duplicated(source):
    ingest_records(source, [paper(1)])
    summary = ingest_records(source, [paper(1, title="Corrected title: PD-1 blockade in melanoma")])
    assert (summary.new, summary.updated) == (0, 1)
    assert Item.objects.get().title == "Corrected title: PD-1 blockade in melanoma"


def test_the_same_identity_twice_in_one_input_is_stored_once(source):
    summary = ingest_records(source, [paper(1), paper(1)])
    assert (summary.new, summary.duplicates) == (1, 1)
    assert Item.objects.count() == 1


def test_an_item_an_editor_deleted_does_not_come_back(source):
    ingest_records(source, [paper(1), paper(2)])
    Item.objects.get(pmid="38000001").delete()
    assert Tombstone.objects.filter(identity="pmid:38000001").exists()
    summary = ingest_records(source, [paper(1), paper(2)])
    assert (summary.new, summary.skipped, summary.duplicates) == (0, 1, 1)
    assert list(Item.objects.values_list("pmid", flat=True)) == ["38000002"]


def test_items_without_identifiers_get_a_stable_hash_identity(source):
    rec = Record(title="Lab news: a new flow cytometer", link="https://example.org/news/1")
    ingest_records(source, [rec])
    ingest_records(source, [Record(title="Lab news: a new flow cytometer", link="https://example.org/news/1")])
    item = Item.objects.get()
    assert item.identity.startswith("hash:")


def test_the_database_refuses_a_second_item_with_the_same_identity(source):
    ingest_records(source, [paper(1)])
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(identity="pmid:38000001", title="copy", content_hash="x")


def test_an_error_midway_keeps_what_was_stored_before_it(source):
    def records():
        for n in range(450):
            yield paper(n)
        raise IngestError("parse: unexpected end of file")

    summary = ingest_records(source, records())
    assert summary.new == 450
    assert summary.errors == ["parse: unexpected end of file"]
    assert Item.objects.count() == 450


def test_a_record_whose_fields_cannot_be_hashed_is_reported_not_fatal(source):
    bad = paper(2)
    bad.identifiers = None  # an adapter bug: the batch must still be stored
    summary = ingest_records(source, [paper(1), bad, paper(3)])
    assert summary.new == 2 and len(summary.errors) == 1
    assert SourceRun.objects.count() == 0  # ingest_records itself writes no run log


def test_stored_json_fields_read_back_as_they_came_in(source):
    # Authors and extra fields go to the database through a fast JSON encoder, with json's own
    # as the fallback for what it refuses (here a 70-bit integer): both must read back the same.
    record = paper(1, extra={"grant": 2**70, "journal": "Immunité & Cancer", "rank": 1.5})
    record.authors = ["Zoë Müller", "王小明", "Ólafur Ragnarsson"]
    record.subjects = ["Immunotherapy — T cells"]
    summary = ingest_records(source, [record])
    assert summary.new == 1 and not summary.errors
    item = Item.objects.get()
    assert item.authors == ["Zoë Müller", "王小明", "Ólafur Ragnarsson"]
    assert item.extra == {"grant": 2**70, "journal": "Immunité & Cancer", "rank": 1.5}
    assert item.subjects == ["Immunotherapy — T cells"]
    again = ingest_records(source, [record])
    assert (again.new, again.updated, again.duplicates) == (0, 0, 1)


def test_text_that_looks_like_parameter_marks_is_stored_as_written(source):
    # Statements are written with %s marks and, on PostgreSQL, renumbered to $1, $2, … by the
    # pipeline itself: marks inside the values must stay text, on both backends.
    records = [paper(n, title=f"Response rates of 40%s and $1 vs %% {n}: 100%% %(dose)s") for n in range(1, 4)]
    records[0].summary = "<p>%s $2 %% ?</p>"
    summary = ingest_records(source, records)
    assert summary.new == 3 and not summary.errors
    titles = sorted(Item.objects.values_list("title", flat=True))
    assert titles == [f"Response rates of 40%s and $1 vs %% {n}: 100%% %(dose)s" for n in range(1, 4)]
    assert "%s $2 %% ?" in Item.objects.get(title__endswith="%% 1: 100%% %(dose)s").summary


def test_native_marks_numbers_each_mark_and_keeps_literal_percent():
    from epitope.ingest.storage import native_marks

    assert native_marks("INSERT INTO t (a, b) VALUES (%s, %s), (%s, %s)") == "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
    assert native_marks("SELECT 1 WHERE a LIKE 'x%%' AND b = %s") == "SELECT 1 WHERE a LIKE 'x%' AND b = $1"
    assert native_marks("SELECT 1") == "SELECT 1"
