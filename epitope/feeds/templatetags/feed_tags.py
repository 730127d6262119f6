from django import template
from django.utils.http import urlencode

from epitope.core import chrome
from epitope.feeds.feeds import chosen_filters

register = template.Library()


@register.simple_tag(takes_context=True)
def feed_links(context, hub):
    """Render <link rel="alternate"> for the hub's feeds, keeping the filters on screen."""
    request = context.get("request")
    chosen = chosen_filters(request.GET) if request is not None else {}
    return chrome.feed_links(hub, "?" + urlencode(chosen) if chosen else "") if hub else ""
