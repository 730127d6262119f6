"""The editor's view of the classifier on an edit form: tags, the words behind them, a way to
correct them, and one-click relevance judgements."""

from django.contrib.contenttypes.models import ContentType
from django.middleware.csrf import get_token
from wagtail.admin.panels import Panel

from epitope.ingest.lead_tags import tags_with_evidence

from .judgements import judgement_of
from .models import StoredClassification, TagCorrection
from .tag_markup import correction_url_maker, tags_html


def tags_context(obj) -> dict:
    """Return what the panel shows for a stored object (two queries)."""
    if obj is None or obj.pk is None:
        return {"tags": None}
    content_type = ContentType.objects.get_for_model(type(obj))
    stored = StoredClassification.objects.filter(content_type=content_type, object_id=str(obj.pk)).first()
    corrections = list(TagCorrection.objects.filter(content_type=content_type, object_id=str(obj.pk)))
    return {
        "tags": tags_with_evidence(stored.data) if stored else None,
        "stored": stored,
        "corrections": corrections,
        "content_type_id": content_type.pk,
        "judgement": judgement_of(obj),
    }


class ClassificationPanel(Panel):
    """Read-only: the stored classification of the page being edited, with evidence and correction links."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "classify/panels/classification_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context.update(tags_context(self.instance))
            context["obj"] = self.instance
            if self.instance is not None and self.instance.pk is not None:
                stored = context["stored"]
                context["tags_html"] = tags_html(
                    context["tags"], stored.relevance if stored else None, stored.relevant if stored else False,
                    correction_url_maker(context["content_type_id"])(self.instance.pk), self.request.get_full_path(),
                    judged=context["judgement"] is not None,
                )
                context["csrf_token"] = get_token(self.request)  # for the judgement buttons' form
            return context
