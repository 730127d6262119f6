"""What feeds, sitemaps, structured data and the API say about one article.

One place decides an article's stable id, its publication time, its author and the image
that represents it when shared, so a feed reader, a search engine and an API client agree.
"""

import datetime
import logging
import mimetypes
import re

from django.db.models import Prefetch
from django.utils import timezone
from wagtail.images import get_image_model

from epitope.articles.cards import image_tag
from epitope.pagecache import cache

from epitope.core import site_urls

logger = logging.getLogger("epitope.feeds")

# One 16:9 JPEG serves feed enclosures, Open Graph, Twitter cards and NewsArticle images:
# every consumer reads JPEG, and Google asks for at least 1200 px wide.
SHARE_RENDITION = "fill-1200x675|format-jpeg"

_BY = re.compile(r"^\s*by\s+", re.IGNORECASE)


def guid(article):
    """Return an id that survives slug changes, moves and re-publishing: the page's translation key."""
    return f"urn:uuid:{article.translation_key}"


def published_at(article):
    """Return when the article was published, as an aware datetime.

    The editorial `date` is what readers see; the time comes from the first publication when
    that happened on the same day, so same-day stories keep their order.
    """
    first = article.first_published_at
    if first is not None and timezone.localdate(first) == article.date:
        return first
    return timezone.make_aware(datetime.datetime.combine(article.date, datetime.time()), datetime.UTC)


def updated_at(article):
    return article.last_published_at or published_at(article)


def author_names(article):
    """Return the story's authors' names: its author pages, else the people in its byline text."""
    return [author.title for author in article.listed_authors()] or byline_names(article.byline)


def byline_names(byline):
    """Return the people in a byline ("By Ada Lovelace and Alan Turing" → two names)."""
    text = _BY.sub("", byline or "").strip()
    if not text:
        return []
    return [name.strip() for name in re.split(r",|\band\b|&", text) if name.strip()]


def share_image(image, request=None):
    """Return url, width, height, mime type, byte size and alt text of the image's share rendition."""
    if image is None:
        return None
    rendition = image.get_rendition(SHARE_RENDITION)
    try:
        size = rendition.file.size
    except (OSError, ValueError):  # a missing file must not take a whole feed down
        logger.warning("feeds: rendition file missing for image %s", image.pk)
        size = 0
    return {
        "url": site_urls.absolute(rendition.url, request),
        "width": rendition.width,
        "height": rendition.height,
        "mime_type": mimetypes.guess_type(rendition.file.name)[0] or "image/jpeg",
        "length": size,
        "alt": image.alt_text,
    }


def page_share_image(page, request=None):
    """Return share_image() of a page's hero image, kept in this process while the image is unchanged.

    Wagtail looks a rendition up in its cache and writes it back on every read (a file write
    per page on the file cache); an article page asks for its share image twice.
    """
    image_id = getattr(page, "hero_image_id", None)
    if not image_id:
        return None
    facts = cache.memo(("share-image", image_id), [image_tag(image_id)], lambda: share_image(page.hero_image))
    return {**facts, "url": site_urls.absolute(facts["url"], request)} if facts else None


def with_share_images(qs):
    """Load articles with their topics and share renditions in a fixed number of queries."""
    Image = get_image_model()
    # The byline's model from the article's own relation: feeds.items is imported by the article model.
    ArticleAuthor = qs.model._meta.get_field("authors").related_model
    return qs.defer_streamfields().prefetch_related(
        "topics", Prefetch("hero_image", queryset=Image.objects.prefetch_renditions(SHARE_RENDITION)),
        Prefetch("authors", queryset=ArticleAuthor.objects.select_related("author")),
    )


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
