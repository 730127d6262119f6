"""The inbox's line for one item of a lead, built in Python, and how many items a lead shows.

A page of 25 leads listed ~170 items through the template language, each with the classifier's
tag partial: that was most of the inbox's 150 ms. Now a lead shows its newest `ITEMS_SHOWN`
items and a link to the rest, and each line is one format string.
"""

from __future__ import annotations

from html import escape  # what django.utils.html.escape calls, without its lazy-string wrapper per value

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from epitope.classify.tag_markup import correction_url_maker, tags_html

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
    for item in items:
        item.line = item_html(item, url_for(item.pk), next_path)
    return items


def item_html(item, correct_url, next_path) -> SafeString:
    title = escape(item.title)
    href = http_link(item.link)  # items stored before links were checked on the way in
    link = f'<a href="{escape(href)}" rel="noopener noreferrer" target="_blank">{title}</a>' if href else title
    source = (item.source.name if item.source_id and item.source else "") or "removed source"
    when = f", {date_format(timezone.localtime(item.published), 'j M Y')}" if item.published else ""
    ids = "".join(f" · {label}{escape(value)}" for label, value in
                  (("DOI ", item.doi), ("PMID ", item.pmid), ("", item.nct)) if value)
    status = f" <em>({escape(item.get_status_display().lower())})</em>" if item.status != "new" else ""
    tags = tags_html(getattr(item, "tags", None), getattr(item, "relevance", None),
                     getattr(item, "relevant", False), correct_url, next_path,
                     getattr(item, "judgement", None) is not None)
    # Every value is escaped above; the tags block escapes its own.
    return mark_safe(f'{link} <span class="status-tag">{escape(item.kind)}</span> — {escape(source)}{when}'
                     f'{ids}{status}\n{tags}')
