"""Background work of the core app: making renditions."""

from django_tasks import task

from . import renditions


@task()
def make_renditions(image_ids):
    """Make the renditions the site shows of these images (core.renditions); return how many."""
    return renditions.make_renditions(image_ids)
