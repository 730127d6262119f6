"""Parts of hub pages written in Python: the research items and the filter bar.

The template engine spent about a fifth of a hub's rendering time on these two (a hub shows
five research items, its research page twenty, and a filter bar of up to forty links). Each
writes exactly what its include template did; the templates now call these, so both stay one.
"""

from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import get_language

from epitope.articles.cards import card_date
from epitope.core.markup import esc


def render_research_item(item, language=None):
    """Return one item's <li>: linked title, kind, source, date, badges (as `with_badges` set them)."""
    title = esc(item.title)
    if item.safe_link:
        title = f'<a href="{esc(item.safe_link)}" rel="noopener noreferrer">{title}</a>'
    when = ""
    if item.published:
        published = template_localtime(item.published)  # what the template's date filter is given
        when = f' · <time datetime="{card_date(published, "Y-m-d", language)}">{card_date(published, "j F Y", language)}</time>'
    badges = ""
    if item.badges:
        badges = '<ul class="badges" aria-label="Tags">' + "".join(
            f'<li class="badge">{esc(badge)}</li>' for badge in item.badges
        ) + "</ul>"
    return SafeString(
        '<li class="research-item">\n'
        f'  <p class="research-title">{title}</p>\n'
        f'  <p class="research-meta"><span class="research-kind">{esc(item.kind_label)}</span> · '
        f'{esc(item.source.name)}{when}</p>\n'
        f'  {badges}\n'
        '</li>\n'
    )


def render_research_items(items):
    """Return the <li>s of a research list, the language looked up once for all their dates."""
    language = get_language()
    return SafeString("".join(render_research_item(item, language) for item in items))


_CURRENT = ' aria-current="true"'


def render_filter_bar(filter_groups, active_filters, label="Filter stories"):
    """Return the facet filter <nav> (`{% facet_filter %}`): chosen filters, then each facet's options."""
    if not (filter_groups or active_filters):
        return ""
    kept = getattr(filter_groups, "markup", None)  # a FilterBar: written once while it is kept
    if kept is not None:
        key = (label, tuple((f.query, f.label) for f in active_filters or ()))
        markup = kept.get(key)
        if markup is None:
            markup = kept[key] = _filter_bar_markup(filter_groups, active_filters, label)
        return markup
    return _filter_bar_markup(filter_groups, active_filters, label)


def _filter_bar_markup(filter_groups, active_filters, label):
    out = [f'<nav class="facet-filter" aria-label="{esc(label or "Filter stories")}">\n  ']
    if active_filters:
        out.append('<p class="facet-active">Showing only: ')
        out.extend(
            f'<a href="?{esc(f.query)}" class="facet-chip">{esc(f.label)} <span class="visually-hidden">'
            '(remove this filter)</span><span aria-hidden="true">×</span></a>'
            for f in active_filters
        )
        out.append("</p>")
    out.append("\n  ")
    for group in filter_groups:
        facet = esc(group.facet)
        out.append(
            f'<div class="facet-group">\n    <h2 class="facet-heading" id="facet-{facet}">{esc(group.heading)}</h2>\n'
            f'    <ul aria-labelledby="facet-{facet}">\n      '
        )
        out.extend(
            f'<li><a href="?{esc(o.query)}"{_CURRENT if o.current else ""}>{esc(o.label)} '
            f'<span class="facet-count">({esc(o.count)})</span></a></li>'
            for o in group.options
        )
        out.append("\n    </ul>\n  </div>")
    out.append("\n</nav>")
    return SafeString("".join(out))


def render_research_panel(items, hub_slug, topic_name, facet_query=""):
    """Return a hub's "Latest research" panel (its newest items and a link to all), or nothing without items."""
    from django.urls import reverse

    if not items:
        return ""
    more = reverse("hub_research", args=[hub_slug]) + (f"?{facet_query}" if facet_query else "")
    return SafeString(
        '<section class="research-panel" aria-labelledby="latest-research-heading">\n'
        '  <h2 id="latest-research-heading">Latest research</h2>\n'
        '  <p class="small">New papers, preprints and trials from the sources we follow, picked by topic — '
        "not yet covered by our reporters.</p>\n"
        '  <ul class="research-list">' + render_research_items(items) + "</ul>\n"
        f'  <p><a href="{esc(more)}">All research in {esc(topic_name)}</a></p>\n'
        "</section>"
    )
