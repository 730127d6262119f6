"""A hub's trends page (/<hub>/trends/) and its data as CSV (/<hub>/trends.csv)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from wagtail.models import Site

from . import trends
from .models import TopicPage


def find_hub(request, slug):
    """Return the live, public hub at /<slug>/ on this request's site, or None."""
    site = Site.find_for_request(request)
    hubs = TopicPage.objects.live().public().filter(slug=slug).select_related("topic")
    if site is not None:
        hubs = hubs.child_of(site.root_page)
    return hubs.first()


def _or_wagtail(view):
    """Hand the URL to Wagtail when no hub has that slug: a page may live at /<slug>/trends/."""

    def wrapper(request, hub_slug):
        hub = find_hub(request, hub_slug)
        if hub is None:
            from wagtail.views import serve

            return serve(request, request.path.lstrip("/"))
        return view(request, hub)

    return require_GET(wrapper)


def _trends_page(request, hub):
    data = trends.hub_trends(hub.topic)
    charts = [(trend, trends.chart(trend)) for trend in data]
    return render(request, "topics/trends.html", {"hub": hub, "charts": charts})


def _trends_csv(request, hub):
    data = trends.to_csv(trends.hub_trends(hub.topic))
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{hub.slug}-trends.csv"'
    return response


trends_page = _or_wagtail(_trends_page)
trends_csv = _or_wagtail(_trends_csv)
