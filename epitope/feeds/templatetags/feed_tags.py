from django import template
from django.utils.http import urlencode

from epitope.core import chrome
from epitope.feeds.feeds import chosen_filters

register = template.Library()


def _filters(context):
    """Return the query string ("?modality=…") of the filters the page is showing, or ""."""
    request = context.get("request")
    chosen = chosen_filters(request.GET) if request is not None else {}
    return "?" + urlencode(chosen) if chosen else ""


@register.simple_tag(takes_context=True)
def feed_links(context, hub):
    """Render <link rel="alternate"> for the hub's feeds, keeping the filters on screen."""
    return chrome.feed_links(hub, _filters(context)) if hub else ""


@register.simple_tag(takes_context=True)
def feed_list(context, hub):
    """Render visible links (<li>s) to the hub's feeds, keeping the filters on screen."""
    return chrome.feed_list(hub, _filters(context)) if hub else ""
