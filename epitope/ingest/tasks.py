"""Ingestion as tasks of Django's task framework (django-tasks; the database backend by default).

The scheduler tick claims each due source *before* enqueueing it, under a name of the task's
own (`queued <token>`), so a source is queued once however many workers tick. The task takes
the claim over when it starts only if the claim still bears that name: a task that waited in
the queue past the lease, while another worker claimed and queued the source again, does not
run it a second time.
"""

import logging

from django_tasks import task

from . import claims, scheduling
from .models import Source

log = logging.getLogger("epitope.ingest")


@task()
def ingest_source(source_id: int, queued_by: str = claims.QUEUED) -> dict:
    """Run one claimed source and release it; return its summary."""
    held = claims.adopt(source_id, queued_by)
    if held is None:
        log.info("source %s: its queued claim was taken over; this task does not run it", source_id)
        return {"source_id": source_id, "errors": [], "skipped_run": "claim: another run holds the source now"}
    try:
        source = Source.objects.get(pk=source_id)
    except Source.DoesNotExist:
        return {"source_id": source_id, "errors": ["source: removed before it ran"]}
    try:
        return scheduling.run_source(source, held).as_dict()
    finally:
        held.release()


def enqueue_due_sources() -> list[int]:
    """Claim every due source and enqueue a run for it; return the ids enqueued."""
    enqueued = []
    scheduling.free_dead_claims()
    for source_id in scheduling.due_sources().values_list("pk", flat=True):
        held = scheduling.claim(source_id, by=claims.queued_holder())
        if held is not None:
            try:
                ingest_source.enqueue(source_id, held.by)
            except Exception:
                held.release()
                raise
            enqueued.append(source_id)
    return enqueued
