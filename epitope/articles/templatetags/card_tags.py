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
def cards(context, articles, eager_first=False, level=2):
    """All the cards of a listing: `{% cards page.object_list eager_first=True %}`."""
    return render_cards(articles, eager_first, level, _url_cache(context))
