"""What an article page says about its story besides the text: reading time, revision, share links.

Plain functions of the page and its URL; the markup is templates/articles/includes/.
"""

import math
import re
from urllib.parse import quote, urlencode

from django.utils import timezone

from epitope.feeds import items

# Adults read continuous prose at about 240 words a minute; science news, with its names of
# molecules and trials, somewhat slower.
WORDS_PER_MINUTE = 230
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+(?:[-'’.]\w+)*")  # "CAR-T", "PD-L1", "don't", "2.5" are one word each

# Where each network takes a link to share: its own "compose" address, nothing loaded from it
# until the reader follows the link. Mastodon has no one address (every server is its own);
# mastodonshare.com asks the reader for theirs.
SHARE_TARGETS = (
    ("Bluesky", "https://bsky.app/intent/compose?{}", lambda title, url: {"text": f"{title} {url}"}),
    ("Mastodon", "https://mastodonshare.com/?{}", lambda title, url: {"text": title, "url": url}),
    ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?{}", lambda title, url: {"url": url}),
    ("X", "https://x.com/intent/post?{}", lambda title, url: {"text": title, "url": url}),
)


def _texts(value):
    """Yield every string in a block's raw value (rich text, quotes, captions), however nested."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            if key not in ("image", "id", "type"):  # ids and block types are not words
                yield from _texts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _texts(inner)


def word_count(article):
    """Return the number of words a reader reads in the article's body (markup not counted)."""
    blocks = article.body.raw_data if article.body is not None else []
    words = 0
    for block in blocks:
        if block.get("type") == "embed":  # a video or post: its URL is not read
            continue
        for text in _texts(block.get("value")):
            words += len(_WORD.findall(_TAG.sub(" ", text)))
    return words


def reading_minutes(article):
    """Return the minutes the body takes to read, rounded up; None for a story without a body."""
    words = word_count(article)
    return math.ceil(words / WORDS_PER_MINUTE) if words else None


def revised_on(article):
    """Return the day the story was last published, when that is after the day it first was.

    Compared with the first publication, not only the story's date: a story dated back (or
    loaded later, as synthetic data is) has not been revised by being published late.
    """
    if article.last_published_at is None:
        return None
    first = timezone.localdate(article.first_published_at) if article.first_published_at else article.date
    updated_day = timezone.localdate(items.updated_at(article))
    return updated_day if updated_day > max(first, article.date) else None


def share_links(title, url):
    """Return (network, link) pairs sharing the story's URL: e-mail first, then each network."""
    mail = "mailto:?" + urlencode({"subject": title, "body": f"{title}\n{url}"}, quote_via=quote)
    return [("E-mail", mail)] + [
        (name, address.format(urlencode(params(title, url), quote_via=quote)))
        for name, address, params in SHARE_TARGETS
    ]


def for_article(article, request=None):
    """Return what the article template shows about the story: reading time, revision, share links."""
    url = items.full_url(article, request) if article.pk else ""
    return {
        "reading_minutes": reading_minutes(article),
        "revised_on": revised_on(article),
        "share_links": share_links(article.title, url) if url else [],
        "share_url": url,
    }
