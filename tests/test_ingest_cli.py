"""`epitope ingest`, `ingest-file`, `sources` and `worker`, against real feeds served on loopback."""

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from epitope.ingest import claims, scheduling
from epitope.ingest.models import Item, Source, SourceRun
from tests.ingest_support import TESTDATA

pytestmark = pytest.mark.django_db
ATOM = (TESTDATA / "small_atom.xml").read_bytes()
RSS = (TESTDATA / "large_rss.xml").read_bytes()


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    settings.EPITOPE_FETCH_ALLOW_PRIVATE = True


def run(*args):
    """Return what a command printed; one that exits 1 (a failure) must have printed its errors."""
    out = io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        assert exc.code == 1 and not re.search(r'"errors": 0\b|, 0 errors$', out.getvalue()), out.getvalue()
    return out.getvalue()


def run_json(*args):
    return json.loads(run(*args, "--json"))


def feed_source(httpserver, path, name=None, **extra):
    return Source.objects.create(name=name or path, url=httpserver.url_for(path), **extra)


def test_ingest_file_prints_one_summary_and_a_rerun_creates_nothing():
    paths = [str(TESTDATA / "small_atom.xml"), str(TESTDATA / "rss_1.0_biorxiv.xml"), str(TESTDATA / "pubmed" / "33568043.xml")]
    first = run_json("ingest-file", *paths)
    assert [row["file"] for row in first["sources"]] == paths
    assert first["totals"]["new"] == Item.objects.count() > 0
    assert first["totals"]["errors"] == 0
    second = run_json("ingest-file", *paths)
    assert second["totals"]["new"] == 0 and second["totals"]["updated"] == 0
    assert second["totals"]["duplicates"] == first["totals"]["fetched"]


def test_ingest_file_detects_the_format_or_takes_it_from_the_option():
    run("ingest-file", str(TESTDATA / "pubmed" / "33568043.xml"), "--source", "Baseline")
    run("ingest-file", str(TESTDATA / "rss_1.0_biorxiv.xml"), "--format", "rdf")
    paper = Item.objects.get(pmid="33568043")
    assert paper.kind == "paper" and paper.source.name == "Baseline"
    assert Item.objects.filter(source__name="Imported files", kind="preprint").exists()


def test_ingest_file_reports_a_file_it_cannot_read(tmp_path):
    junk = tmp_path / "junk.xml"
    junk.write_bytes(b"this is not a feed")
    with pytest.raises(SystemExit) as exit_info:
        call_command("ingest-file", str(junk), "--json", stdout=io.StringIO(), stderr=io.StringIO())
    assert exit_info.value.code == 1
    assert SourceRun.objects.get().ok is False


def test_ingest_runs_every_due_source_and_one_broken_source_stops_no_other(httpserver):
    httpserver.expect_request("/atom").respond_with_data(ATOM, content_type="application/atom+xml")
    httpserver.expect_request("/broken").respond_with_data("oops", status=500)
    httpserver.expect_request("/rss").respond_with_data(RSS, content_type="application/rss+xml")
    atom, broken, rss = (feed_source(httpserver, p, interval_minutes=30) for p in ("/atom", "/broken", "/rss"))
    feed_source(httpserver, "/paused", active=False)
    result = run_json("ingest")
    by_name = {row["source"]: row for row in result["sources"]}
    assert set(by_name) == {"/atom", "/broken", "/rss"}
    assert by_name["/atom"]["new"] > 0 and by_name["/rss"]["new"] > 0
    assert "HTTP 500" in by_name["/broken"]["errors"][0]
    broken.refresh_from_db()
    assert broken.failure_count == 1 and "HTTP 500" in broken.last_error
    atom.refresh_from_db()
    assert atom.last_success_at and atom.next_fetch_at > timezone.now() + dt.timedelta(minutes=29)
    assert run_json("ingest")["sources"] == []  # nothing is due any more


def test_a_304_writes_nothing_but_the_run_log(httpserver):
    httpserver.expect_ordered_request("/atom").respond_with_data(ATOM, headers={"ETag": '"v1"'})
    httpserver.expect_ordered_request("/atom", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    source = feed_source(httpserver, "/atom")
    run("ingest", "--source", str(source.pk))
    before = list(Item.objects.values_list("pk", "updated_at"))
    result = run_json("ingest", "--source", str(source.pk))
    assert result["sources"][0]["not_modified"] is True and result["sources"][0]["new"] == 0
    assert list(Item.objects.values_list("pk", "updated_at")) == before
    assert SourceRun.objects.filter(source=source).count() == 2


def test_retry_after_and_backoff_are_honoured(httpserver):
    httpserver.expect_ordered_request("/busy").respond_with_data("slow down", status=429, headers={"Retry-After": "7200"})
    httpserver.expect_ordered_request("/busy").respond_with_data("down", status=503)
    httpserver.expect_ordered_request("/busy").respond_with_data("down", status=503)
    source = feed_source(httpserver, "/busy", interval_minutes=10)
    run("ingest", "--source", str(source.pk))
    source.refresh_from_db()
    assert source.next_fetch_at >= timezone.now() + dt.timedelta(seconds=7100)
    assert source.retry_after_until is not None
    waits = []
    for _ in range(2):
        started = timezone.now()
        run("ingest", "--source", str(source.pk))
        source.refresh_from_db()
        waits.append(round((source.next_fetch_at - started).total_seconds() / 60))
    assert source.failure_count == 3
    assert waits == [20, 40]  # 10 min interval: doubling from the second failure on


def test_a_claimed_source_is_not_taken_twice():
    source = Source.objects.create(name="x", url="https://example.org/feed")
    held = scheduling.claim(source.pk)
    assert held is not None
    assert scheduling.claim(source.pk) is None
    assert source.pk not in scheduling.due_sources().values_list("pk", flat=True)
    held.release()
    assert scheduling.claim(source.pk) is not None


def test_sources_command_adds_lists_pauses_resumes_and_removes():
    run("sources", "add", "Nature Cancer", "--kind", "rss", "--url", "https://www.nature.com/natcancer.rss", "--every", "90")
    source = Source.objects.get(name="Nature Cancer")
    assert source.interval_minutes == 90 and source.active
    run("sources", "pause", "Nature Cancer")
    listed = json.loads(run("sources", "list", "--json"))
    assert listed[0]["status"] == "paused" and listed[0]["every_minutes"] == 90
    run("sources", "resume", str(source.pk))
    assert Source.objects.get().active
    run("sources", "remove", str(source.pk))
    assert not Source.objects.exists()


# The worker closes its database connection between cycles, as a long-running process should;
# on PostgreSQL that would end a test wrapped in one transaction.
@pytest.mark.django_db(transaction=True)
def test_worker_runs_due_sources_through_the_database_task_queue(httpserver, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    httpserver.expect_request("/atom").respond_with_data(ATOM, content_type="application/atom+xml")
    source = feed_source(httpserver, "/atom")
    output = run("worker", "--once")
    assert "Queued 1 source run(s)" in output
    runs = DBTaskResult.objects.filter(task_path="epitope.ingest.tasks.ingest_source")  # other apps queue tasks too
    task = runs.get()
    assert task.status == "SUCCESSFUL" and task.return_value["new"] == Item.objects.count() > 0
    source.refresh_from_db()
    assert source.claimed_until is None and source.last_success_at is not None
    run("worker", "--once")
    assert runs.count() == 1  # not due again yet: nothing queued


def test_a_query_source_pages_through_europe_pmc_by_cursor(httpserver, monkeypatch):
    from epitope.ingest.sources import europepmc

    pages = TESTDATA.parent / "ingest" / "europepmc"
    monkeypatch.setattr(europepmc, "SEARCH", httpserver.url_for("/search"))
    for name in ("search_cancer_core.json", "search_cancer_page2.json", "search_no_results.json"):
        httpserver.expect_ordered_request("/search").respond_with_data((pages / name).read_bytes(), content_type="application/json")
    source = Source.objects.create(name="Europe PMC: cancer", kind="europepmc", query="cancer")
    result = run_json("ingest", "--source", str(source.pk))["sources"][0]
    assert result["errors"] == [] and result["fetched"] == 30
    assert [req.args["cursorMark"] for req, _ in httpserver.log] == ["*", "AoIIP4ZawSg1MzEyODI1MA==", "AoIIP4lkIig1MzE0NTMwOA=="]
    assert Item.objects.filter(source=source).count() == result["new"] > 0


def test_a_query_source_failing_midway_keeps_the_first_pages_and_backs_off(httpserver, monkeypatch):
    from epitope.ingest.sources import europepmc

    pages = TESTDATA.parent / "ingest" / "europepmc"
    monkeypatch.setattr(europepmc, "SEARCH", httpserver.url_for("/search"))
    httpserver.expect_ordered_request("/search").respond_with_data((pages / "search_cancer_core.json").read_bytes())
    httpserver.expect_ordered_request("/search").respond_with_data("busy", status=503, headers={"Retry-After": "600"})
    source = Source.objects.create(name="Europe PMC: cancer", kind="europepmc", query="cancer")
    result = run_json("ingest", "--source", str(source.pk))["sources"][0]
    assert result["new"] == 25 and "HTTP 503" in result["errors"][0]
    source.refresh_from_db()
    assert source.failure_count == 1 and "HTTP 503" in source.last_error


def test_a_feed_cut_short_of_its_content_length_stores_nothing_and_says_fetch():
    from tests.test_ingest_fetch import ShortBodyServer

    half = RSS[: len(RSS) // 2]
    assert half.count(b"<item") >= 2  # what a lenient parser could read from the part that came
    server = ShortBodyServer(half, declared=len(RSS))
    try:
        source = Source.objects.create(name="Cut short", url=server.url)
        result = run_json("ingest", "--source", str(source.pk))["sources"][0]
    finally:
        server.close()
    assert result["errors"] and result["errors"][0].startswith(f"fetch: body ended after {len(half)} of its {len(RSS)} bytes")
    assert result["new"] == 0 and not Item.objects.exists()
    source.refresh_from_db()
    assert source.failure_count == 1 and source.last_error.startswith("fetch:")


def _claim_left_by(source, process):
    """Leave `source` as a run killed outright leaves it: claimed by `process`, its run unfinished."""
    now = timezone.now()
    Source.objects.filter(pk=source.pk).update(claimed_until=now + claims.lease(),
                                               claimed_by=scheduling.holder(process.pid))
    SourceRun.objects.create(source=source, started_at=now)


@pytest.fixture
def process():
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    yield proc
    proc.kill()
    proc.wait()


def test_a_run_killed_outright_frees_its_source_at_the_next_start(httpserver, process):
    httpserver.expect_request("/atom").respond_with_data(ATOM, content_type="application/atom+xml")
    source = feed_source(httpserver, "/atom")
    _claim_left_by(source, process)
    process.kill()  # kill -9
    process.wait()
    result = run_json("ingest")["sources"]
    assert [row["source"] for row in result] == [source.name] and result[0]["new"] > 0
    assert len(httpserver.log) == 1
    source.refresh_from_db()
    assert source.claimed_until is None and source.claimed_by == "" and source.last_success_at is not None
    killed, finished = SourceRun.objects.order_by("pk")
    assert (killed.ok, killed.reason, killed.finished_at is not None) == (False, scheduling.INTERRUPTED, True)
    assert finished.ok


def test_a_source_claimed_by_a_live_run_or_another_machine_is_left_alone(httpserver, process):
    httpserver.expect_request("/atom").respond_with_data(ATOM, content_type="application/atom+xml")
    busy = feed_source(httpserver, "/atom")
    _claim_left_by(busy, process)  # still running
    elsewhere = feed_source(httpserver, "/atom", name="elsewhere")
    Source.objects.filter(pk=elsewhere.pk).update(claimed_until=timezone.now() + claims.lease(),
                                                  claimed_by="other-host abcdef12 4242 99")
    queued = feed_source(httpserver, "/atom", name="queued")
    assert scheduling.claim(queued.pk, by=claims.queued_holder())  # a task waiting for a worker
    assert run_json("ingest")["sources"] == []
    with pytest.raises(Exception, match="being run by another worker"):
        run("ingest", "--source", str(busy.pk))
    assert httpserver.log == []
    assert Source.objects.filter(claimed_until__isnull=False).count() == 3


def test_the_next_start_also_frees_a_claim_whose_pid_a_later_process_reuses(httpserver, process):
    httpserver.expect_request("/atom").respond_with_data(ATOM, content_type="application/atom+xml")
    source = feed_source(httpserver, "/atom")
    _claim_left_by(source, process)
    host, boot, pid, start, token = Source.objects.get(pk=source.pk).claimed_by.split(" ")
    Source.objects.filter(pk=source.pk).update(claimed_by=f"{host} {boot} {pid} {int(start) - 1} {token}")  # an earlier holder of the pid
    assert run_json("ingest", "--source", str(source.pk))["sources"][0]["new"] > 0
