"""What only a real multi-connection server shows: workers racing for the same due sources.

These run in the PostgreSQL pass of `make test` (`--ds=epitope.settings.test_postgres`) and are
skipped on SQLite, whose in-memory test database one connection owns.
"""

import threading

import pytest
from django.db import connection, connections

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 4
SOURCES = 40


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with --ds=epitope.settings.test_postgres)")


@pytest.fixture
def due_sources():
    from epitope.ingest.models import Source

    return [
        Source.objects.create(name=f"Feed {n}", url=f"https://feeds.example.org/{n}.xml").pk
        for n in range(SOURCES)
    ]


def race(work):
    """Run `work()` in WORKERS threads released at the same instant; return their results."""
    start = threading.Barrier(WORKERS)
    results = [None] * WORKERS
    errors = []

    def worker(n):
        try:
            start.wait()
            results[n] = work()
        except Exception as exc:  # noqa: BLE001 - reported below, with the thread's result
            errors.append(exc)
        finally:
            connections.close_all()  # each thread has its own connection

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    return results


def test_concurrent_claims_take_each_due_source_once(due_sources):
    from epitope.ingest import scheduling

    def claim_everything():
        return [pk for pk in due_sources if scheduling.claim(pk)]

    taken = [pk for claimed in race(claim_everything) for pk in claimed]
    assert sorted(taken) == sorted(due_sources)  # every source taken, none twice


def test_concurrent_scheduler_ticks_queue_each_due_source_once(due_sources, settings):
    from django_tasks_db.models import DBTaskResult

    from epitope.ingest import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queue, don't run
    enqueued = [pk for ids in race(tasks.enqueue_due_sources) for pk in ids]
    assert sorted(enqueued) == sorted(due_sources)
    queued = [row.args_kwargs["args"][0] for row in DBTaskResult.objects.all()]
    assert sorted(queued) == sorted(due_sources)


def test_a_claimed_source_is_not_due_for_another_worker(due_sources):
    from epitope.ingest import scheduling

    held = scheduling.claim(due_sources[0])
    assert held
    assert due_sources[0] not in set(scheduling.due_sources().values_list("pk", flat=True))
    assert not scheduling.claim(due_sources[0])
    held.release()
    assert scheduling.claim(due_sources[0])
