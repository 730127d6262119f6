from django import template
from django.utils.http import urlencode

from epitope.search import facets

register = template.Library()


@register.inclusion_tag("feeds/autodiscovery.html", takes_context=True)
def feed_links(context, hub):
    """Render <link rel="alternate"> for the hub's feeds, keeping the facet filters on screen."""
    request = context.get("request")
    chosen = facets.selected(request.GET) if request is not None else {}
    return {
        "feed_hub": hub,
        "feed_title": f"{hub.display_title} | Epitope",
        "feed_query": "?" + urlencode(chosen) if chosen else "",
    }
