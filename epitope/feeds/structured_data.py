"""What a page tells search engines and social networks: schema.org JSON-LD, Open Graph, Twitter cards."""

import json

from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from epitope.articles.models import ArticlePage
from epitope.core import site_urls
from epitope.search import filters

from . import items as meta
from .items import full_url

PUBLISHER = {"@type": "Organization", "name": "Epitope"}
# Google shows at most 110 characters of a NewsArticle headline.
HEADLINE_CHARS = 110

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def about_terms(article, request=None):
    """Return schema.org Things for the article's topics and the terms of its listing filters' values.

    A listing filter contributes by defining `terms_for(article)` returning (value, label)
    pairs, as the therapy and cancer-type filters do.
    """
    terms = []
    for topic in article.topics.all():
        thing = {"@type": "Thing", "name": topic.name}
        hub = topic.hub
        if hub is not None:
            thing["url"] = full_url(hub, request)
        terms.append(thing)
    for listing_filter in filters.all_filters():
        terms_for = getattr(listing_filter, "terms_for", None)
        if terms_for is not None:
            terms.extend({"@type": "DefinedTerm", "name": label, "termCode": value} for value, label in terms_for(article))
    return terms


def news_article(article, request=None):
    """Return the schema.org NewsArticle of an article page, as a dict."""
    url = full_url(article, request)
    authors = [{"@type": "Person", "name": author.title, "url": full_url(author, request)}
               for author in article.listed_authors()]
    authors = authors or [{"@type": "Person", "name": name} for name in meta.byline_names(article.byline)]
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
        "author": authors or [PUBLISHER],
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
