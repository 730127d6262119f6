"""Queue the renditions of an image when it is saved (an article's images when it is published:
epitope.articles.signal_handlers)."""

from django.db.models.signals import post_save
from wagtail.images import get_image_model

from .renditions import IMAGE_FIELDS_NOT_SHOWN
from .tasks import enqueue_renditions


def on_image_saved(sender, instance, update_fields=None, **kwargs):
    if kwargs.get("raw") or (update_fields and set(update_fields) <= IMAGE_FIELDS_NOT_SHOWN):
        return
    enqueue_renditions([instance.pk])


def register():
    post_save.connect(on_image_saved, sender=get_image_model(), dispatch_uid="epitope-renditions-image")
