"""Ingestion as tasks of Django's task framework (django-tasks; the database backend by default).

The scheduler tick claims each due source *before* enqueueing it, so a source is queued once
however many workers tick; the task then runs the claimed source and releases it.
"""

import logging

from django_tasks import task

from . import scheduling

log = logging.getLogger("epitope.ingest")


@task()
def ingest_source(source_id: int) -> dict:
    """Run one claimed source and release it; return its summary."""
    from .models import Source

    try:
        source = Source.objects.get(pk=source_id)
    except Source.DoesNotExist:
        return {"source_id": source_id, "errors": ["source: removed before it ran"]}
    scheduling.adopt(source_id)  # this process holds the claim now: if it dies, the next start frees it
    try:
        return scheduling.run_source(source).as_dict()
    finally:
        scheduling.release(source_id)


def enqueue_due_sources() -> list[int]:
    """Claim every due source and enqueue a run for it; return the ids enqueued."""
    enqueued = []
    scheduling.free_dead_claims()
    for source_id in scheduling.due_sources().values_list("pk", flat=True):
        if scheduling.claim(source_id, by=scheduling.QUEUED):
            try:
                ingest_source.enqueue(source_id)
            except Exception:
                scheduling.release(source_id)
                raise
            enqueued.append(source_id)
    return enqueued
