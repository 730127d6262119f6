"""Hostile input never stops ingestion, never leaks, never costs the machine (issue 23).

What a hostile or broken server, feed or file tries here, against the real commands, a real
database and real servers on loopback: Retry-After values that would switch a source off or
crash the scheduler, dates no item can have, records of the wrong types, lone surrogates,
nesting, truncated and bombed gzip, huge HTML. The crafted files are in
tests/testdata/ingest/crafted/ (written by its make_crafted.py).

The older hostile cases live beside the code they test, and run with this suite under `make test`:
- tests/test_ingest_fetch.py: SSRF address forms (private, loopback, link-local, metadata,
  DNS answers, redirects to them), gzip/deflate bombs over the wire, slow drips, redirect loops.
- tests/test_ingest_parse.py: hostile XML (billion laughs, quadratic blow-up, XXE, DTD tricks,
  XSLT, XSD includes) from tests/testdata/ingest/hostile/, feed markup sanitised.
- tests/test_markup.py, tests/test_ingest_leads.py: hostile headlines and summaries shown as text.
- tests/test_ingest_store_crash.py: kill -9 during an import loses nothing.
- tests/test_postgres.py, tests/test_ingest_store_clusters.py: concurrent imports and claims
  store each item and run each source once.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from epitope.ingest import limits, scheduling
from epitope.ingest.dates import parse_date
from epitope.ingest.fetch import MAX_RETRY_AFTER, fetch, parse_retry_after
from epitope.ingest.models import Item, Source, SourceRun
from epitope.ingest.parse import parse_document
from epitope.ingest.sanitize import MAX_CHARS

CRAFTED = Path(__file__).parent / "testdata" / "ingest" / "crafted"
ROOT = Path(__file__).parent.parent
DAY = dt.timedelta(days=1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    settings.EPITOPE_FETCH_ALLOW_PRIVATE = True


def command(*args):
    """Return (exit status, output) of an epitope command, its output as printed."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def rss(n, prefix, odd=None):
    """Return an RSS feed of `n` good items, the `odd` (title, pubDate) in the middle if given."""
    items = [(f"Good item {k}", "Mon, 03 Jun 2024 09:30:00 GMT") for k in range(1, n + 1)]
    if odd:
        items.insert(n // 2, odd)
    body = "".join(f"<item><title>{t}</title><link>https://news.example.org/{prefix}/{k}</link>"
                   f"<guid>{prefix}-{k}</guid><pubDate>{d}</pubDate></item>" for k, (t, d) in enumerate(items, 1))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{body}</channel></rss>'.encode()


# --- Retry-After and backoff -----------------------------------------------------------------


@pytest.mark.parametrize("header", [
    "99999999999999999999",
    "9" * 5000,  # past int()'s digit limit
    "Thu, 31 Dec 2099 23:59:59 GMT",
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "Fri, 31 Dec 9999 23:59:59 -1200",
])
def test_retry_after_from_a_server_waits_a_day_at_most(header):
    assert parse_retry_after(header) == MAX_RETRY_AFTER
    asked = scheduling.retry_after_delay(header, timezone.now(), scheduling.max_backoff(60))
    assert asked == DAY


@pytest.mark.parametrize("header", ["-5", "1e9", "nan", "١٢٠", "²", "soon", "Mon, 99 Foo 2024"])
def test_a_retry_after_that_is_not_one_is_ignored(header):
    assert parse_retry_after(header) is None
    assert scheduling.retry_after_delay(header, timezone.now()) is None


def test_backoff_after_thousands_of_failures_is_the_cap_not_an_overflow():
    assert scheduling.backoff(100_000, 60) == scheduling.MAX_BACKOFF
    assert scheduling.backoff(3, 10) == dt.timedelta(minutes=40)


@pytest.mark.parametrize("header", ["99999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_a_hostile_retry_after_stops_no_other_source_and_backs_its_source_off(httpserver, header):
    httpserver.expect_request("/hostile").respond_with_data("busy", status=429, headers={"Retry-After": header})
    httpserver.expect_request("/a").respond_with_data(rss(3, "a"), content_type="application/rss+xml")
    httpserver.expect_request("/b").respond_with_data(rss(3, "b"), content_type="application/rss+xml")
    now = timezone.now()
    # The hostile source is the latest, so first in line; the others are due after it.
    hostile = Source.objects.create(name="hostile", url=httpserver.url_for("/hostile"), next_fetch_at=now - DAY)
    for path in ("/a", "/b"):
        Source.objects.create(name=path, url=httpserver.url_for(path), next_fetch_at=now - dt.timedelta(hours=1))

    status, out = command("ingest", "--json")

    result = json.loads(out)
    assert status == 1  # a failure, said by the exit status
    assert {row["source"]: row["new"] for row in result["sources"]} == {"hostile": 0, "/a": 3, "/b": 3}
    hostile.refresh_from_db()
    assert hostile.failure_count == 1 and hostile.last_error.startswith("fetch: HTTP 429")
    assert now + dt.timedelta(hours=23) < hostile.next_fetch_at <= timezone.now() + DAY
    assert hostile.retry_after_until <= timezone.now() + DAY
    assert hostile.claimed_until is None
    assert SourceRun.objects.get(source=hostile).ok is False


def test_a_run_that_cannot_be_recorded_stops_no_other_source(httpserver, monkeypatch):
    """The scheduler's own bookkeeping failing on one source (as the Retry-After overflow did,
    outside the run's try block) is caught: the others run, the broken one backs off."""
    httpserver.expect_request("/a").respond_with_data(rss(2, "a"), content_type="application/rss+xml")
    httpserver.expect_request("/b").respond_with_data(rss(2, "b"), content_type="application/rss+xml")
    now = timezone.now()
    first = Source.objects.create(name="first", url=httpserver.url_for("/a"), next_fetch_at=now - DAY)
    Source.objects.create(name="second", url=httpserver.url_for("/b"), next_fetch_at=now - dt.timedelta(hours=1))
    real_finish = scheduling._finish

    def finish(source, *args):
        if source.name == "first":
            raise OverflowError("date value out of range")
        return real_finish(source, *args)

    monkeypatch.setattr(scheduling, "_finish", finish)
    status, out = command("ingest")
    assert status == 1
    assert "second: 2 fetched, 2 new" in out
    assert "error: store: OverflowError: date value out of range" in out
    assert "Traceback" not in out
    first.refresh_from_db()
    assert first.failure_count == 1 and first.claimed_until is None
    assert first.next_fetch_at > timezone.now() + dt.timedelta(hours=23)


# --- dates -----------------------------------------------------------------------------------


def test_a_date_out_of_range_in_utc_costs_the_date_not_the_batch(httpserver):
    feed = rss(40, "n", ("Far future", "Fri, 31 Dec 9999 23:59:59 -1200"))
    httpserver.expect_request("/feed").respond_with_data(feed, content_type="application/rss+xml")
    source = Source.objects.create(name="feed", url=httpserver.url_for("/feed"))
    for _ in range(2):  # the next run finds them all stored, as it did not before
        status, out = command("ingest", "--source", str(source.pk), "--json")
        assert status == 0
    assert Item.objects.filter(source=source).count() == 41
    odd = Item.objects.get(title="Far future")
    assert odd.published is None
    assert odd.extra["dropped_dates"] == {"published": "9999-12-31T23:59:59-12:00"}
    assert Item.objects.filter(source=source, published__year=2024).count() == 40


@pytest.mark.parametrize("name, position, why", [
    ("rss_date_9999_minus_12.xml", 21, "out of range in UTC"),
    ("atom_date_0001_plus_14.xml", 21, "out of range in UTC"),
    ("jsonfeed_date_9999_minus_12.json", 21, "out of range in UTC"),
    ("pubmed_date_9999.xml", 1, "more than a day ahead"),
    ("rss_date_2099.xml", 1, "more than a day ahead"),
    ("rss_date_year_0001.xml", 1, "before 1800"),
])
def test_ingest_file_stores_every_item_of_a_file_with_an_impossible_date(name, position, why):
    status, out = command("ingest-file", str(CRAFTED / name), "--json")
    result = json.loads(out)["sources"][0]
    assert status == 0
    assert result["new"] == result["fetched"] == Item.objects.count()
    assert any(note.startswith(f"parser: item {position}: published date ") and why in note for note in result["notes"])
    assert Item.objects.filter(published__isnull=True).count() == 1


def test_year_one_is_year_one_not_2001():
    assert parse_date("Mon, 01 Jan 0001 00:00:00 GMT").year == 1
    assert parse_date("Mon, 01 Jan 0001 00:00:00 EST") is None  # the email module's reading: 2001
    assert parse_date("Tue, 10 Jun 2003 04:00:00 EDT").year == 2003
    assert parse_date("10 Jun 03 04:00 GMT").year == 2003  # a two-digit year is still read
    assert parse_date(20240603) is None and parse_date(["2024"]) is None


# --- records the adapters cannot read --------------------------------------------------------


@pytest.mark.parametrize("name, new, rejected, error", [
    ("biorxiv_list_authors.json", 1, 1, "parser: item 2: TypeError"),
    ("ctgov_list_title.json", 1, 1, "parser: item 2: TypeError"),
    ("europepmc_int_title.json", 2, 2, "parser: item 2: TypeError"),
    ("jsonfeed_lone_surrogate.json", 3, 1, "parser: item 4: text is not valid Unicode"),
    ("jsonfeed_int_date.json", 4, 0, None),  # the date is unreadable, the item is not
    ("jsonfeed_list_author_name.json", 4, 0, None),
    ("json_nested_deep.json", 0, 0, "parser: JSON nested too deeply"),
    ("jsonfeed_nested_deep_item.json", 0, 0, "parser: JSON nested too deeply"),
    ("feed_truncated.xml.gz", 0, 0, "file: gzip data cut short"),
])
def test_ingest_file_skips_and_reports_what_it_cannot_read(name, new, rejected, error):
    status, out = command("ingest-file", str(CRAFTED / name), "--json")
    result = json.loads(out)["sources"][0]
    assert (result["new"], result["rejected"]) == (new, rejected)
    assert Item.objects.count() == new
    if error is None:
        assert status == 0 and result["errors"] == []
    else:
        assert status == 1 and result["errors"][0].startswith(error)
    assert all(line.split(":")[0] in ("parser", "store", "file", "xml", "fetch") for line in result["errors"])


def test_no_crafted_file_gets_a_traceback_to_the_operator():
    paths = sorted(str(p) for p in CRAFTED.iterdir() if p.suffix in (".xml", ".json", ".gz"))
    assert len(paths) >= 15
    status, out = command("ingest-file", *paths)
    assert status == 1
    assert "Traceback" not in out
    assert out.count("rejected") >= 1 and "error: parser: JSON nested too deeply" in out


def test_a_record_the_database_refuses_costs_that_record_only(httpserver):
    """A lone surrogate in a title the sanitiser lets through reaches the database, which
    cannot encode it: the batch is stored again one record at a time."""
    items = [{"id": f"ok-{k}", "title": f"Fine {k}", "date_published": "2024-06-03T09:30:00Z"} for k in range(5)]
    items.insert(2, {"id": "bad", "title": "Lone \ud800 surrogate"})
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": items})
    httpserver.expect_request("/feed.json").respond_with_data(body, content_type="application/feed+json")
    source = Source.objects.create(name="json", url=httpserver.url_for("/feed.json"))
    status, out = command("ingest", "--source", str(source.pk), "--json")
    result = json.loads(out)["sources"][0]
    assert status == 1
    assert result["new"] == 5 and result["rejected"] == 1
    assert result["errors"][0].startswith("store: item 3: ")
    source.refresh_from_db()
    assert source.failure_count == 0  # the run itself succeeded


def test_an_unreadable_pubmed_article_costs_that_article_only(tmp_path):
    good = (Path(__file__).parent / "testdata" / "ingest" / "pubmed" / "pubmed1.xml").read_bytes()
    broken = good.replace(b"<MedlineCitation", b"<Nothing", 1).replace(b"</MedlineCitation>", b"</Nothing>", 1)
    path = tmp_path / "baseline.xml"
    path.write_bytes(broken)
    status, out = command("ingest-file", str(path), "--json")
    result = json.loads(out)["sources"][0]
    assert status == 1
    assert result["rejected"] == 1 and result["new"] == 1
    assert result["errors"] == ["parser: item 1: PubmedArticle without MedlineCitation"]


def test_a_query_source_answering_with_bad_records_and_then_deep_json(httpserver, monkeypatch):
    """An API's first page holds records of the wrong types, its second is nested too deeply:
    the good records are stored, the bad ones reported by position, the run fails with a
    `parser:` line and the source backs off."""
    from epitope.ingest.sources import europepmc

    monkeypatch.setattr(europepmc, "SEARCH", httpserver.url_for("/search"))
    first = json.loads((CRAFTED / "europepmc_int_title.json").read_bytes())
    first["nextCursorMark"] = "page2"
    httpserver.expect_ordered_request("/search").respond_with_json(first)
    httpserver.expect_ordered_request("/search").respond_with_data(b"[" * 100_000 + b"]" * 100_000)
    source = Source.objects.create(name="Europe PMC", kind="europepmc", query="cancer")
    status, out = command("ingest", "--source", str(source.pk), "--json")
    result = json.loads(out)["sources"][0]
    assert status == 1
    assert (result["new"], result["rejected"]) == (2, 2)
    assert result["errors"][:2] == [e for e in result["errors"] if e.startswith(("parser: item 2:", "parser: item 3:"))]
    assert result["errors"][-1].startswith("parser: JSON nested too deeply from http")
    source.refresh_from_db()
    assert source.failure_count == 1 and source.last_error.startswith("parser: JSON nested too deeply")


# --- sizes -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    """Return a gzip file of 1 GiB of zeros (under 5 MB), written a megabyte at a time."""
    path = tmp_path_factory.mktemp("bomb") / "feed.xml.gz"
    packer, zeros = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS), bytes(1 << 20)
    with open(path, "wb") as out:
        for _ in range(1024):
            out.write(packer.compress(zeros))
        out.write(packer.flush())
    return path


def test_a_gzip_bomb_file_is_refused_fast_with_bounded_memory(bomb):
    assert bomb.stat().st_size < 5_000_000
    tracemalloc.start()
    started = time.monotonic()
    try:
        status, out = command("ingest-file", str(bomb))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    elapsed = time.monotonic() - started
    assert status == 1
    assert f"error: file: over the {limits.MAX_DOCUMENT_BYTES}-byte limit once decompressed" in out
    assert elapsed < 20  # 53 s before the cap; about 1 s on an idle machine
    assert peak < limits.MAX_DOCUMENT_BYTES + 32 * 1024 * 1024  # 6.4 GB before


def in_fresh_process(body, path, growth=False):
    """Run `body` (reading sys.argv[1] = path) in a new interpreter; return (the IngestError it
    printed, its peak resident MB, or how much that peak grew while `body` ran). VmHWM is the
    child's own: ru_maxrss would carry over the parent's peak across exec."""
    peak = "int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])"
    body = "\n".join("    " + line for line in body.splitlines())
    code = (f"import sys\nfrom epitope.ingest.records import IngestError\nbefore = {peak}\n"
            f"try:\n{body}\nexcept IngestError as exc:\n    print(exc)\n"
            f"print(({peak} - (before if {growth} else 0)) // 1024)")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    message, megabytes = done.stdout.splitlines()
    return message, megabytes


def test_a_gzip_bomb_costs_the_limit_in_memory_not_its_size(bomb):
    """The reader's peak resident memory, measured in a fresh process (zlib's buffers included)."""
    message, grown_mb = in_fresh_process(
        "from epitope.ingest import limits\nlimits.read_document(sys.argv[1])", bomb, growth=True)
    assert "over the" in message
    assert int(grown_mb) < 2 * limits.MAX_DOCUMENT_BYTES // 2**20  # MB, for a 1 GiB bomb


def test_a_pubmed_stream_with_an_article_that_never_ends_is_refused(tmp_path):
    """Streamed files are capped between two articles: one endless article would otherwise grow
    as a tree in memory. Measured in a fresh process: lxml's memory is not Python's."""
    path = tmp_path / "baseline.xml.gz"
    packer = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    with open(path, "wb") as out:
        out.write(packer.compress(b"<PubmedArticleSet><PubmedArticle><MedlineCitation>"))
        chunk = b"<a/>" * (1 << 18)
        for _ in range(64):  # 64 MiB of elements in one article
            out.write(packer.compress(chunk))
        out.write(packer.flush())
    message, peak_mb = in_fresh_process(
        "from epitope.ingest.sources.pubmed import iter_pubmed_file\nlist(iter_pubmed_file(sys.argv[1]))", path)
    assert message == f"file: one record runs over {limits.MAX_ELEMENT_BYTES} bytes"
    assert int(peak_mb) < 256  # the 16 MiB cap and a block, not the 64 MiB article


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_DOCUMENT_BYTES", 1000)
    path = tmp_path / "feed.xml"
    path.write_bytes(rss(40, "big"))
    status, out = command("ingest-file", str(path))
    assert status == 1 and "error: file: over the 1000-byte limit" in out
    assert Item.objects.count() == 0


def test_a_50_mb_content_html_is_cut_before_it_is_sanitised(tmp_path):
    html = "<p>" + "Tumour immunology " * 2_900_000 + "</p>"
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "Big", "items": [
        {"id": "big", "url": "https://news.example.org/big", "title": "Big one", "content_html": html}]}
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc))
    assert path.stat().st_size > 50_000_000
    tracemalloc.start()
    try:
        status, out = command("ingest-file", str(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert status == 0
    item = Item.objects.get()
    assert MAX_CHARS // 2 < len(item.summary) <= MAX_CHARS + 100
    assert len(item.raw) <= 1024 * 1024
    assert peak < 600 * 2**20  # 2.6 GB before (Python's share measured here)


def test_fetched_bodies_stay_capped_once_decoded(httpserver):
    """The fetch side of the same bound (more in tests/test_ingest_fetch.py)."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    body = packer.compress(bytes(64 << 20)) + packer.flush()
    httpserver.expect_request("/bomb").respond_with_data(body, headers={"Content-Encoding": "gzip"})
    with pytest.raises(Exception, match=r"^fetch: decoded body is over the \d+-byte limit"):
        fetch(httpserver.url_for("/bomb"))


def test_parse_document_keeps_skipped_items_in_place():
    document = parse_document((CRAFTED / "europepmc_int_title.json").read_bytes())
    assert [type(i).__name__ for i in document.items] == ["Record", "Skipped", "Skipped", "Record"]
    assert [s.position for s in document.skipped] == [2, 3]
    assert len(document.records) == 2
