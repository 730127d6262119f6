"""The classifier's admin pages for judgements: one object's judgement (from the article edit
form), and "Classifier", what editors have taught it and what the shipped model was trained on."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import judgements
from .admin_views import _target
from .learned import model_info


def may_judge(user, obj) -> bool:
    """Return whether `user` may judge `obj`: an article if they may edit it; an ingested item
    if they may see the Leads inbox (every admin user: the admin's URLs require that)."""
    if obj._meta.label_lower == "articles.articlepage":
        return obj.permissions_for_user(user).can_edit()
    return True


@require_POST
def judge(request, content_type_id, object_id):
    """Record, change or withdraw one object's judgement; back to its edit form (or `next`)."""
    content_type, obj = _target(content_type_id, object_id)
    if not may_judge(request.user, obj):
        raise PermissionDenied
    verdict = request.POST.get("verdict")
    if verdict not in judgements.VERDICTS:
        return HttpResponseBadRequest("Say relevant, not-relevant or withdraw.")
    relevant = judgements.VERDICTS[verdict]
    judgements.judge([obj], relevant, request.user)
    said = {True: "relevant", False: "not relevant", None: "no longer judged"}[relevant]
    messages.success(request, f"“{obj}” marked {said}. Nothing else on the form was saved.")
    if obj._meta.label_lower == "articles.articlepage":
        return redirect(reverse("wagtailadmin_pages:edit", args=[obj.pk]))
    return redirect("ingest_leads")


def shipped_model_info() -> dict | None:
    """Return the shipped relevance model's metadata (`learned.model_info()`), or None if this
    installation has no learned model."""
    try:
        return model_info()
    except OSError:  # the package was installed without its model file
        return None


def _features_text(features) -> str:
    """Return the model's feature description as one line, whatever shape the metadata gives."""
    if isinstance(features, dict):
        return ", ".join(f"{key}: {value}" for key, value in features.items())
    if isinstance(features, (list, tuple)):
        return ", ".join(map(str, features))
    return "" if features is None else str(features)


def _trained_at(info):
    try:
        return datetime.datetime.fromisoformat(info["trained_at"])
    except (KeyError, TypeError, ValueError):
        return None


def classifier(request):
    """Show how many judgements editors made (and since the model was trained), and the model."""
    if not request.user.has_perm("classify.view_judgement"):
        raise PermissionDenied
    info = shipped_model_info() or {}
    trained_at = _trained_at(info) if info else None
    if trained_at is not None and trained_at.tzinfo is None:
        trained_at = trained_at.replace(tzinfo=datetime.UTC)
    cv = info.get("cv") or {}
    return TemplateResponse(request, "classify/classifier.html", {
        "counts": judgements.judgement_counts(since=trained_at),
        "latest": judgements.latest_judgements(),
        "model": info,
        "trained_at": trained_at,
        "features": _features_text(info.get("features")),
        "cv": cv,
        # The keyword rule's figures from the same folds, under either name the trainer gives them.
        "keyword": cv.get("keyword") or cv.get("keyword_rule"),
        "header_icon": "tag",
    })
