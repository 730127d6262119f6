from django import template

from epitope.articles.cards import UrlCache, render_cards

register = template.Library()


def _url_cache(context):
    # One per request, so every card of a page reads Wagtail's site root paths once.
    request = context.get("request")
    if request is None:
        return UrlCache()
    return request.__dict__.setdefault("_epitope_url_cache", UrlCache())


@register.simple_tag(takes_context=True)
def cards(context, articles, eager_first=False, level=2, lead=False):
    """All the cards of a listing: `{% cards page eager_first=True lead=True %}`.

    `lead`: the first card is the lead story, on a listing's first page only; the template
    marks the same page's card list `cards-lead` (see `is_first_page`).
    """
    lead = lead and is_first_page(articles)
    return render_cards(articles, eager_first, level, _url_cache(context), lead=lead)


@register.filter
def is_first_page(articles):
    """Return whether `articles` (a paginator's page, or a plain list) is a listing's first page."""
    return getattr(articles, "number", 1) == 1
