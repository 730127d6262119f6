"""Claims and the shared per-host pace, one step at a time against the real database.

The two-process picture (real workers, real PostgreSQL) is tests/test_worker_scaleout.py.
"""


import pytest
from django.utils import timezone

from epitope.ingest import claims, pacing, queries, scheduling
from epitope.ingest.models import Item, Source, SourceRun
from epitope.ingest.tasks import ingest_source
from tests.eutils_server import EutilsServer
from tests.ingest_support import TESTDATA

pytestmark = pytest.mark.django_db
ATOM = (TESTDATA / "small_atom.xml").read_bytes()
OTHER = "other-host abcdef12 4242 99 0123456789ab"


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    settings.EPITOPE_FETCH_ALLOW_PRIVATE = True


def test_only_the_holder_renews_or_releases_a_claim():
    source = Source.objects.create(name="x", url="https://example.org/feed")
    long_ago = timezone.now() - 2 * claims.lease()
    stalled = claims.claim(source.pk, now=long_ago, force=True)
    taker = claims.claim(source.pk)  # the lease has passed: another run may take the source
    assert stalled and taker and stalled.by != taker.by
    assert stalled.renew() is False and stalled.release() is False
    with pytest.raises(claims.ClaimLost):
        stalled.check()
    assert Source.objects.get(pk=source.pk).claimed_by == taker.by
    assert taker.renew() is True and taker.release() is True
    assert Source.objects.get(pk=source.pk).claimed_by == ""


def test_a_queued_task_runs_only_if_its_claim_is_still_its_own(httpserver):
    httpserver.expect_request("/atom").respond_with_data(ATOM, content_type="application/atom+xml")
    source = Source.objects.create(name="feed", url=httpserver.url_for("/atom"))
    waited_too_long = claims.claim(source.pk, now=timezone.now() - 2 * claims.lease(), force=True,
                                   by=claims.queued_holder())
    requeued = claims.claim(source.pk, by=claims.queued_holder())  # another worker's tick, after the lease
    assert ingest_source.call(source.pk, waited_too_long.by)["skipped_run"].startswith("claim:")
    assert not SourceRun.objects.exists() and httpserver.log == []
    assert ingest_source.call(source.pk, requeued.by)["new"] > 0
    assert len(httpserver.log) == 1 and Source.objects.get(pk=source.pk).claimed_by == ""


def test_a_run_that_loses_its_claim_stops_storing_and_leaves_the_source_to_the_new_holder(httpserver, monkeypatch):
    from epitope.ingest.sources import europepmc

    pages = TESTDATA.parent / "ingest" / "europepmc"
    monkeypatch.setattr(europepmc, "SEARCH", httpserver.url_for("/search"))
    for name in ("search_cancer_core.json", "search_cancer_page2.json", "search_no_results.json"):
        httpserver.expect_ordered_request("/search").respond_with_data((pages / name).read_bytes(), content_type="application/json")
    source = Source.objects.create(name="Europe PMC: cancer", kind="europepmc", query="cancer")
    calls = []
    real_wait = pacing.wait_turn

    def wait_turn(url):
        calls.append(url)
        if len(calls) == 2:  # the run stalled past its lease; another worker took the source
            Source.objects.filter(pk=source.pk).update(claimed_by=OTHER, claimed_until=timezone.now() + claims.lease())
        return real_wait(url)

    monkeypatch.setattr(pacing, "wait_turn", wait_turn)
    summary = scheduling.run_claimed(source.pk, force=True)
    assert summary.errors[0] == claims.LOST and summary.new == 0
    assert len(httpserver.log) == 2  # the next page was never asked for
    assert not Item.objects.exists()
    run = SourceRun.objects.get()
    assert (run.ok, run.reason) == (False, claims.LOST) and run.finished_at is not None
    source.refresh_from_db()
    assert source.claimed_by == OTHER and source.failure_count == 0 and source.last_run_at is None


def test_a_run_starting_on_a_taken_over_source_closes_the_run_left_unfinished(httpserver):
    httpserver.expect_request("/atom").respond_with_data(ATOM, content_type="application/atom+xml")
    source = Source.objects.create(name="feed", url=httpserver.url_for("/atom"))
    earlier = timezone.now() - 2 * claims.lease()
    Source.objects.filter(pk=source.pk).update(claimed_by=OTHER, claimed_until=earlier + claims.lease())
    SourceRun.objects.create(source=source, started_at=earlier)  # a worker on another machine, killed
    assert scheduling.run_claimed(source.pk).errors == []
    left, done = SourceRun.objects.order_by("pk")
    assert (left.ok, left.reason) == (False, claims.EXPIRED) and left.finished_at <= done.started_at
    assert done.ok


def test_requests_to_one_host_take_consecutive_slots_shared_through_the_database(settings):
    settings.EPITOPE_NCBI_API_KEY = ""
    interval = pacing.HEADROOM / pacing.rate_for("eutils.ncbi.nlm.nih.gov")
    assert interval == pytest.approx(1.1 / 3)
    waits = [pacing.reserve("eutils.ncbi.nlm.nih.gov", interval) for _ in range(4)]
    # Reserved back to back: each slot one interval after the one before (less the few
    # milliseconds the statements themselves took).
    assert waits[0] == 0.0
    for n, wait in enumerate(waits[1:], 1):
        assert n * interval - 0.1 < wait <= n * interval
    assert pacing.reserve("www.ebi.ac.uk", 0.5) == 0.0  # another host has a pace of its own
    settings.EPITOPE_NCBI_API_KEY = "KEY"
    assert pacing.rate_for("eutils.ncbi.nlm.nih.gov") == 10
    assert pacing.rate_for("www.nature.com") == settings.EPITOPE_FETCH_HOST_RATE == 2


def test_pubmed_requests_name_the_tool_the_address_and_the_key(settings):
    server = EutilsServer(delay=0)
    try:
        settings.EPITOPE_NCBI_EUTILS_URL = server.eutils
        settings.EPITOPE_NCBI_API_KEY = "KEY"
        settings.EPITOPE_NCBI_EMAIL = ""
        settings.DEFAULT_FROM_EMAIL = "Epitope news <news@example.org>"
        source = Source.objects.create(name="PubMed", kind="pubmed", query="melanoma[tiab]")
        summary = scheduling.run_claimed(source.pk, force=True)
        assert summary.errors == [] and summary.new > 0
        params = [p for *_, p in server.ncbi_requests()]
        assert len(params) == 6  # esearch, then five pages of efetch
        assert all(p["tool"] == "epitope" and p["email"] == "news@example.org" and p["api_key"] == "KEY" for p in params)
    finally:
        server.close()


@pytest.mark.parametrize(("ncbi_email", "from_email", "sent"), [
    ("ops@example.org", "Epitope <news@example.org>", "ops@example.org"),
    ("", "Epitope <news@example.org>", "news@example.org"),
    ("", "Epitope <noreply@localhost>", ""),  # production's placeholder: NCBI could not write to it
    ("", "webmaster@localhost", ""),
])
def test_the_address_sent_to_ncbi(settings, ncbi_email, from_email, sent):
    settings.EPITOPE_NCBI_EMAIL, settings.DEFAULT_FROM_EMAIL = ncbi_email, from_email
    assert queries.ncbi_email() == sent
