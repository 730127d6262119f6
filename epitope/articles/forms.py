from django import forms
from wagtail.admin.forms import WagtailAdminPageForm

from .alt_text import alt_text_error, photo_alt_text_error

PUBLISH_ACTIONS = ("action-publish", "action-workflow-action")


class ArticlePageForm(WagtailAdminPageForm):
    """Refuse to publish (directly or by approving a workflow) an article with images lacking alt text.

    Drafts may still be saved: an editor can start a story before the picture desk finishes.
    """

    def clean(self):
        cleaned_data = super().clean()
        publishing = any(key in self.data for key in PUBLISH_ACTIONS)
        if publishing and not self.errors:
            page = self.instance
            page.hero_image = cleaned_data.get("hero_image")
            page.body = cleaned_data.get("body")
            message = alt_text_error(page)
            if message:
                raise forms.ValidationError(message)
        return cleaned_data


class AuthorPageForm(WagtailAdminPageForm):
    """Refuse to publish an author page whose photo lacks alt text, as articles are refused."""

    def clean(self):
        cleaned_data = super().clean()
        if any(key in self.data for key in PUBLISH_ACTIONS) and not self.errors:
            message = photo_alt_text_error(cleaned_data.get("photo"))
            if message:
                raise forms.ValidationError(message)
        return cleaned_data
