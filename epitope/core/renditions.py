"""The renditions the site shows of an image, made by the worker rather than by a reader.

Making them in the request cost the first reader of a page with a new picture 2.1–2.8 s (nine
versions of a hero, AVIF the slowest). So an image saved in the admin, and the images of an
article when it is published, are queued (`core.tasks.enqueue_renditions`) for the task
`core.tasks.make_renditions`, which makes every spec below that is missing.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging

from wagtail.images import get_image_model
from wagtail.images.models import Filter

from epitope.articles.cards import CARD_RENDITIONS
from epitope.feeds.items import SHARE_RENDITION
from epitope.newsletter.digest import EMAIL_RENDITION

logger = logging.getLogger("epitope.renditions")

# The {% picture %} tags' filter specs, as written in the templates (Wagtail expands the braces
# into one spec per combination). tests/test_renditions.py fails if a template shows a spec
# that rendition_specs() does not make.
HERO_PICTURE = "format-{avif,webp,jpeg} width-{800,1200,1600}"  # articles/article_page.html
FIGURE_PICTURE = "format-{avif,webp,jpeg} width-{800,1200}"  # includes/blocks/figure.html
AUTHOR_PHOTO = "fill-{96x96,240x240}"  # articles/author_index_page.html, author_page.html

# Image fields no page shows: saving only these (Wagtail fills them in on first read) makes no
# rendition and purges no page (epitope.articles.signal_handlers).
IMAGE_FIELDS_NOT_SHOWN = {"file_hash", "file_size"}

_suppressed = contextvars.ContextVar("epitope_renditions_suppressed", default=False)


def rendition_specs() -> list[str]:
    """Return every filter spec the site renders an image with, spelled as the lookups spell it."""
    pictures = [spec for tag in (HERO_PICTURE, FIGURE_PICTURE, AUTHOR_PHOTO) for spec in Filter.expand_spec(tag)]
    return list(dict.fromkeys([*pictures, *CARD_RENDITIONS, SHARE_RENDITION, EMAIL_RENDITION]))


def make_renditions(image_ids) -> int:
    """Make the missing renditions of these images; return how many images now have them all."""
    specs = rendition_specs()
    done = 0
    for image in get_image_model().objects.filter(pk__in=list(image_ids)).prefetch_renditions(*specs):
        try:
            image.get_renditions(*specs)
        except (OSError, ValueError) as exc:  # a missing or unreadable file: the reader's request says so too
            logger.warning("renditions: image %s (%s) not rendered: %s", image.pk, image.file.name, exc)
            continue
        done += 1
    return done


@contextlib.contextmanager
def not_queued():
    """Queue no renditions inside this block (code that loads many images and renders its own)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def queueing_suppressed():
    return _suppressed.get()
