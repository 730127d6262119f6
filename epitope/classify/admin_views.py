"""Correct one object's tags from the admin: a TagCorrection form prefilled from the link clicked."""

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme

from .editorial import editorial_tagger
from .inputs import INPUTS
from .models import TagCorrection

CORRECTABLE_FACETS = ("modality", "cancer_type", "target", "indication", "evidence")


class CorrectionForm(forms.ModelForm):
    class Meta:
        model = TagCorrection
        fields = ["action", "facet", "concept", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facet"].choices = [(v, label) for v, label in self.fields["facet"].choices
                                        if v in CORRECTABLE_FACETS]

    def clean(self):
        data = super().clean()
        facet, concept = data.get("facet"), data.get("concept")
        if facet and concept:
            known = editorial_tagger().vocabulary.concepts.get(concept)
            if known is None or known.facet != facet:
                self.add_error("concept", f"The vocabulary has no concept “{concept}” in this facet. "
                                          "Add it as a vocabulary term first.")
            elif known.resolves_to:
                # Never shown on its own: a correction to it would show a tag readers never see.
                self.add_error("concept", f"“{concept}” stands for “{known.resolves_to}” unless the record "
                                          f"names {', '.join(known.unless)}: choose one of those.")
        return data


def _target(content_type_id, object_id):
    try:
        content_type = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist:
        raise Http404("No such kind of object.") from None
    if f"{content_type.app_label}.{content_type.model}" not in INPUTS:
        raise Http404("The classifier does not tag this kind of object.")
    obj = content_type.model_class().objects.filter(pk=object_id).first()
    if obj is None:
        raise Http404("No such object.")
    return content_type, getattr(obj, "specific", obj)


def _next_url(request, obj):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}) and url.startswith("/admin/"):
        return url
    return "/admin/"


def correct(request, content_type_id, object_id):
    """Show (GET, prefilled from the query string) or record (POST) one tag correction."""
    if not request.user.has_perm("classify.add_tagcorrection"):
        raise PermissionDenied
    content_type, obj = _target(content_type_id, object_id)
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_valid():
            correction = form.save(commit=False)
            correction.content_type, correction.object_id = content_type, str(obj.pk)
            correction.save()  # re-classifies the object (classify.signal_handlers), so it wins at once
            messages.success(request, f"{correction.get_action_display()} “{correction.concept}” recorded for “{obj}”.")
            return redirect(_next_url(request, obj))
    else:
        form = CorrectionForm(initial={k: request.GET[k] for k in ("action", "facet", "concept") if k in request.GET})
    return TemplateResponse(request, "classify/correct.html", {
        "form": form, "obj": obj, "next": _next_url(request, obj), "header_icon": "tag",
    })
