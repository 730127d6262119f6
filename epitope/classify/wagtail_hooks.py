"""The classifier in the Wagtail admin: correcting one object's tags, judging its relevance, and
the "Classifier" page (judgements and the trained model)."""

from django.template.loader import render_to_string
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views, judgement_views


@hooks.register("register_admin_urls")
def register_correction_urls():
    return [
        path("classify/correct/<int:content_type_id>/<str:object_id>/", admin_views.correct, name="classify_correct"),
        path("classify/judge/<int:content_type_id>/<str:object_id>/", judgement_views.judge, name="classify_judge"),
        path("classify/", judgement_views.classifier, name="classify_classifier"),
    ]


class ClassifierMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("classify.view_judgement")


@hooks.register("register_settings_menu_item")
def register_classifier_menu_item():
    return ClassifierMenuItem("Classifier", reverse("classify_classifier"), icon_name="tag", order=900)


@hooks.register("insert_editor_js")
def judgement_form():
    """The form the article edit form's judgement buttons post (outside the edit form)."""
    return render_to_string("classify/judgement_form.html")
