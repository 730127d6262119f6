"""A hub's research page (/<hub>/research/): every public, relevant ingested item, paged and filterable."""

from django.http import Http404
from django.shortcuts import render

from . import research
from .listing import PageNotFound
from .views_trends import _or_wagtail


def _research_page(request, hub):
    try:
        context = research.research_listing(hub.topic, request.GET)
    except PageNotFound as exc:
        raise Http404(str(exc)) from exc
    context["hub"] = hub
    return render(request, "topics/research.html", context)


research_page = _or_wagtail(_research_page)
