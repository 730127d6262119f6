"""Background work of the core app: making renditions."""

from django.db import transaction
from django_tasks import task

from . import renditions


@task()
def make_renditions(image_ids):
    """Make the renditions the site shows of these images (core.renditions); return how many."""
    return renditions.make_renditions(image_ids)


def enqueue_renditions(image_ids) -> None:
    """Queue the images for the worker once the current transaction commits (never if it rolls back)."""
    ids = sorted({int(pk) for pk in image_ids if pk})
    if not ids or renditions.queueing_suppressed():
        return
    transaction.on_commit(lambda: make_renditions.enqueue(ids), robust=True)
