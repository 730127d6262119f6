import datetime

import pytest
from django.utils import timezone

from epitope.core.periodic import JOBS, Clock
from tests import factories as f


def test_each_job_runs_once_per_interval_and_a_failure_does_not_stop_the_others():
    calls = []

    def broken():
        raise RuntimeError("boom")

    clock = Clock([("a", 60, lambda: calls.append("a")), ("broken", 60, broken), ("b", 10, lambda: calls.append("b"))])
    assert clock.run_due(now=1000) == ["a", "b"]
    assert clock.run_due(now=1005) == []
    assert clock.run_due(now=1011) == ["b"]
    assert clock.run_due(now=1061) == ["a", "b"]
    assert calls == ["a", "b", "b", "a", "b"]


@pytest.mark.django_db
def test_the_worker_clock_publishes_due_scheduled_pages():
    site = f.hub_site()
    page = f.article(site["index"], "Embargo lifts", [site["cancer"]], publish=False, hero=False)
    revision = page.latest_revision
    revision.approved_go_live_at = timezone.now() - datetime.timedelta(seconds=5)
    revision.save()
    publish_job = [job for job in JOBS if job[0] == "publish scheduled pages"]
    assert Clock(publish_job).run_due() == ["publish scheduled pages"]
    page.refresh_from_db()
    assert page.live
