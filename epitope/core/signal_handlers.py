"""Queue the renditions of an image when it is saved, and of an article's images when it is published."""

from django.db.models.signals import post_save
from wagtail.images import get_image_model
from wagtail.signals import page_published

from . import renditions


def register():
    post_save.connect(renditions.on_image_saved, sender=get_image_model(), dispatch_uid="epitope-renditions-image")
    page_published.connect(renditions.on_page_published, dispatch_uid="epitope-renditions-published")
