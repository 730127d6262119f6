from django import template
from wagtail.models import Page

from epitope.core import chrome

from ..items import full_url
from ..structured_data import social_meta

register = template.Library()


@register.simple_tag(takes_context=True)
def seo_meta(context, page):
    """Return the Open Graph, Twitter and JSON-LD data of `page` (see structured_data.social_meta)."""
    if not isinstance(page, Page) or page.pk is None:  # some views use `page` for other things
        return None
    return social_meta(page, context.get("request"))


@register.simple_tag(takes_context=True)
def social_tags(context, page):
    """Render the page's Open Graph, Twitter and JSON-LD tags (see core.chrome.social_tags)."""
    return chrome.social_tags(seo_meta(context, page))


@register.simple_tag(takes_context=True)
def canonical_link(context, page):
    """Render <link rel="canonical"> for a page (with the request: Wagtail's site lookups are kept on it)."""
    if not isinstance(page, Page):  # some views use `page` for other things
        return ""
    url = full_url(page, context.get("request"))
    return chrome.canonical_link(url) if url else ""
