"""What a page tells search engines and social networks: schema.org JSON-LD, Open Graph, Twitter cards."""

import json

from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from epitope.core import site_urls
from epitope.search import facets

from . import items as meta

PUBLISHER = {"@type": "Organization", "name": "Epitope"}
# Google shows at most 110 characters of a NewsArticle headline.
HEADLINE_CHARS = 110

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def full_url(page, request=None):
    """Return `page.get_full_url(request)`, worked out once per page and request.

    An article page asks for its own URL three times (canonical link, Open Graph, JSON-LD) and
    for each of its hubs'; Wagtail's answer takes more time than anything else in those tags.
    """
    if request is None:
        return page.get_full_url()
    known = request.__dict__.setdefault("_epitope_full_urls", {})
    if page.pk not in known:
        known[page.pk] = page.get_full_url(request)
    return known[page.pk]


def about_terms(article, request=None):
    """Return schema.org Things for the article's topics and any registered facet's terms.

    A facet contributes by defining `terms_for(article)` returning (value, label) pairs; the
    classification app's modality and cancer-type facets can do so without a change here.
    """
    terms = []
    for topic in article.topics.all():
        thing = {"@type": "Thing", "name": topic.name}
        hub = topic.hub
        if hub is not None:
            thing["url"] = full_url(hub, request)
        terms.append(thing)
    for facet in facets.all_facets():
        terms_for = getattr(facet, "terms_for", None)
        if terms_for is not None:
            terms.extend({"@type": "DefinedTerm", "name": label, "termCode": value} for value, label in terms_for(article))
    return terms


def news_article(article, request=None):
    """Return the schema.org NewsArticle of an article page, as a dict."""
    url = full_url(article, request)
    names = meta.author_names(article)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:HEADLINE_CHARS],
        "description": article.standfirst,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": meta.published_at(article).isoformat(),
        "dateModified": meta.updated_at(article).isoformat(),
        "articleSection": article.get_article_type_display(),
        "author": [{"@type": "Person", "name": name} for name in names] or [PUBLISHER],
        "publisher": {**PUBLISHER, "url": site_urls.root_url(request) + "/"},
        "inLanguage": "en",
    }
    image = meta.page_share_image(article, request)
    if image:
        data["image"] = [{"@type": "ImageObject", "url": image["url"], "width": image["width"], "height": image["height"]}]
    about = about_terms(article, request)
    if about:
        data["about"] = about
    return data


def as_script_json(data):
    """Serialise for an inline <script type="application/ld+json">: nothing in it can end the script."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES))  # noqa: S308


def social_meta(page, request=None):
    """Return what the Open Graph and Twitter meta tags say about a page."""
    from epitope.articles.models import ArticlePage

    page = page.specific
    is_article = isinstance(page, ArticlePage)
    description = page.search_description or (page.standfirst if is_article else "")
    if not description and getattr(page, "intro", ""):
        description = strip_tags(str(page.intro))
    image = meta.page_share_image(page, request)
    out = {
        "type": "article" if is_article else "website",
        "title": page.seo_title or getattr(page, "display_title", None) or page.title,
        "description": description.strip(),
        "url": full_url(page, request),
        "image": image,
        "jsonld": None,
    }
    if is_article:
        out["published"] = meta.published_at(page).isoformat()
        out["modified"] = meta.updated_at(page).isoformat()
        out["tags"] = [topic.name for topic in page.topics.all()]
        out["jsonld"] = as_script_json(news_article(page, request))
    return out
