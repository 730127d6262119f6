from django import template
from django.utils.translation import get_language

from epitope.core.jinja import macros

register = template.Library()


@register.simple_tag
def facet_url(query, param, value, chosen=False):
    """Return a query string with `param` set to `value`, or cleared if it is the chosen one."""
    query = query.copy()
    query.pop("page", None)
    if chosen:
        query.pop(param, None)
    else:
        query[param] = value
    return "?" + query.urlencode()


@register.simple_tag
def page_url(query, number):
    query = query.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.simple_tag
def research_hits(hits):
    """The research a search found, as a hub's research list shows it: `{% research_hits hits %}`."""
    return macros("epitope/search.html").research_hits(hits, get_language())
