"""Parts of hub pages: the research items, the "Latest research" panel and the filter bar.

A hub shows five research items, its research page twenty, and a filter bar of up to forty
links: Django's template engine spent about a fifth of a hub's rendering on them. Their markup
is in templates/jinja2/epitope/hub.html (Jinja2 macros); these functions give them their data.
"""

from django.utils.translation import get_language

from epitope.core.jinja import macros


def _hub():
    return macros("epitope/hub.html")


def render_research_items(items):
    """Return the <li>s of a research list, the language looked up once for all their dates."""
    return _hub().research_items(items, get_language())


def render_filter_bar(filter_groups, active_filters, label="Filter stories"):
    """Return the facet filter <nav> (`{% facet_filter %}`): chosen filters, then each facet's options."""
    if not (filter_groups or active_filters):
        return ""
    kept = getattr(filter_groups, "markup", None)  # a FilterBar: rendered once while it is kept
    if kept is not None:
        key = (label, tuple((f.query, f.label) for f in active_filters or ()))
        markup = kept.get(key)
        if markup is None:
            markup = kept[key] = _hub().filter_bar(filter_groups, active_filters, label)
        return markup
    return _hub().filter_bar(filter_groups, active_filters, label)


def render_research_panel(items, research_url, topic_name, facet_query=""):
    """Return a hub's "Latest research" panel (its newest items and a link to all), or nothing without items."""
    if not items:
        return ""
    more = research_url + (f"?{facet_query}" if facet_query else "")
    return _hub().research_panel(items, more, topic_name, get_language())
