"""The classifier in the Wagtail admin: a form to correct one object's tags."""

from django.urls import path
from wagtail import hooks

from . import admin_views


@hooks.register("register_admin_urls")
def register_correction_urls():
    return [path("classify/correct/<int:content_type_id>/<str:object_id>/", admin_views.correct, name="classify_correct")]
