"""The inbox's line for one item of a lead, and how many items a lead shows.

A page of 25 leads listed ~170 items through the template language, each with the classifier's
tag partial: that was most of the inbox's 150 ms. Now a lead shows its newest `ITEMS_SHOWN`
items and a link to the rest, and each line is the `lead_line` macro of
templates/jinja2/epitope/tags.html.
"""

from __future__ import annotations

from django.utils import timezone

from epitope.classify.tag_markup import correction_url_maker
from epitope.core.jinja import macros

from .sanitize import http_link

ITEMS_SHOWN = 3


def show_items(clusters, limit=ITEMS_SHOWN):
    """Give each cluster `shown` (its first `limit` items; all if None) and `more` (how many beyond).

    The prefetch fetches one item beyond the limit, so a lead whose `size` has fallen behind
    still gets its link.
    """
    for cluster in clusters:
        items = cluster.listed_items
        cluster.shown = items if limit is None else items[:limit]
        cluster.more = max(cluster.size - len(cluster.shown), len(items) - len(cluster.shown), 0)
    return clusters


def render_lines(items, content_type_id, next_path):
    """Give each item `line`: its link, kind, source, date, identifiers, status and tags, as HTML."""
    url_for = correction_url_maker(content_type_id)
    line = macros("epitope/tags.html").lead_line
    for item in items:
        for name, default in (("tags", None), ("relevance", None), ("relevant", False), ("judgement", None)):
            if not hasattr(item, name):
                setattr(item, name, default)
        href = http_link(item.link)  # items stored before links were checked on the way in
        source = (item.source.name if item.source_id and item.source else "") or "removed source"
        published = timezone.localtime(item.published) if item.published else None
        item.line = line(item, href, source, published, url_for(item.pk), next_path)
    return items
