from django import template

from ..structured_data import social_meta

register = template.Library()


@register.simple_tag(takes_context=True)
def seo_meta(context, page):
    """Return the Open Graph, Twitter and JSON-LD data of `page` (see structured_data.social_meta)."""
    from wagtail.models import Page

    if not isinstance(page, Page) or page.pk is None:  # some views use `page` for other things
        return None
    return social_meta(page, context.get("request"))
