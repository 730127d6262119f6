import json

from django import template
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

from epitope.core import chrome
from epitope.pagecache import cache
from epitope.topics.models import TopicPage

register = template.Library()


@register.simple_tag
def nav_hubs():
    """Return the live topic hubs for the main navigation (title, url), in page-tree order.

    Every page shows them, and they change only when a hub is saved, published, moved or
    deleted (the "hubs" and "global" tags) or a site changes, so each process keeps them until then.
    """
    return cache.memo("nav-hubs", [cache.HUBS, cache.GLOBAL, cache.SITES], _load_nav_hubs)


def _load_nav_hubs():
    pages = TopicPage.objects.live().public().only("title", "url_path", "path").order_by("path")[:8]
    return tuple(NavLink(page.title, page.url) for page in pages)


@register.simple_tag(takes_context=True)
def nav_items(context):
    """Render the main navigation's links, the current page's marked (see chrome.nav_items)."""
    request = context.get("request")
    return chrome.nav_items(nav_hubs(), request.path if request is not None else None)


@register.simple_tag(takes_context=True)
def site_footer(context):
    return chrome.footer(context.get("policy_versions"))


@register.simple_tag(takes_context=True)
def type_filter(context):
    """Render a listing's story-type links from the context (see chrome.type_filter)."""
    return chrome.type_filter(context.get("type_choices"), context.get("article_type"), context.get("facet_query"))


@register.simple_tag(takes_context=True)
def pagination(context, page_obj, newer="", older=""):
    """Render a listing's newer/older links, keeping its filters (see chrome.pagination)."""
    return chrome.pagination(page_obj, context.get("filter_query"), context.get("article_type"), newer, older)


class NavLink:
    __slots__ = ("title", "url")

    def __init__(self, title, url):
        self.title, self.url = title, url


# Stands in for the request's path while a shared fragment is rendered; letters and digits
# only, so escaping leaves it as it is and it can be found again in the HTML.
_PATH_MARK = "epitope0path0mark0f3c9a1"


@register.simple_tag(takes_context=True)
def shared_include(context, template_name):
    """Render an include every page shows the same but for the request's path, once per process.

    For the consent banner: two forms, a dozen controls and the policies' links, the same for
    every visitor (pages stay cacheable) but for the hidden "next" field. Kept until a policy,
    hub or any other page is published (the "global" tag) and keyed by the policy versions the
    page is rendered with, so it never says other than what rendering it again would say.
    The template sees `policy_versions` and `request_path`, nothing else from the page.
    """
    versions = context.get("policy_versions") or {}
    name = ("shared-include", template_name, json.dumps(versions, sort_keys=True, default=str))
    html = cache.memo(name, [cache.GLOBAL], lambda: render_to_string(
        template_name, {"policy_versions": versions, "request_path": _PATH_MARK}))
    request = context.get("request")
    path = escape(request.get_full_path()) if request is not None else ""
    return mark_safe(html.replace(_PATH_MARK, path))  # noqa: S308 - rendered with autoescape, path escaped
