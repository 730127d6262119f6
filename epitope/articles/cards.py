"""Story cards: the rendition specs the listings prefetch, what a card shows, and its rendering.

A hub, the home page and /articles/ show up to a dozen cards, and Django's template engine
spent more on them than on the rest of the page; the card is the `card` macro of
templates/jinja2/epitope/cards.html (Jinja2), which `{% cards %}` calls.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.template import Context, Template
from django.urls import get_script_prefix
from django.utils.translation import get_language
from wagtail.images import get_image_model
from wagtail.models import Page

from epitope.pagecache import cache
from epitope.core.jinja import macros
from epitope.pagecache.routes import site_root_paths

from .article_types import ARTICLE_TYPES

CARD_SIZES = ("fill-400x225", "fill-800x450")
CARD_FORMATS = ("avif", "webp", "jpeg")
# Wagtail writes the format first in the spec it builds from the tag ("format-avif|fill-400x225");
# a prefetch under any other spelling misses, and Wagtail then regenerates the files on every request.
CARD_RENDITIONS = tuple(f"format-{fmt}|{size}" for size in CARD_SIZES for fmt in CARD_FORMATS)

# The card picture depends on the image alone, so it is kept for a day in the template-fragment
# cache under the key {% cache 86400 card_picture <image id> <eager|lazy> %} would use;
# epitope.articles.signal_handlers.forget_card_pictures forgets it when the image is edited.
PICTURE_TIMEOUT = 86400
_PICTURE = (
    '{% load wagtailimages_tags %}{% picture image format-{avif,webp,jpeg} fill-{400x225,800x450} '
    'alt=image.alt_text class="card-image" '
)
_CARD_SIZES = 'sizes="(min-width: 960px) 400px, 100vw" '
# A listing's lead story spans two columns from 960 px on (site.css, .cards-lead): the wider rendition.
_LEAD_SIZES = 'sizes="(min-width: 960px) 600px, 100vw" '
PICTURE_ATTRS = {
    "lead": _LEAD_SIZES + 'fetchpriority="high" %}',
    "eager": _CARD_SIZES + 'fetchpriority="high" %}',
    "lazy": _CARD_SIZES + 'loading="lazy" decoding="async" %}',
}


def fragment_cache():
    return caches["template_fragments" if "template_fragments" in settings.CACHES else "default"]


def picture_key(image_id, how):
    return make_template_fragment_key("card_picture", [image_id, how])


def image_tag(image_id):
    """The page-cache tag an image edit bumps (epitope.articles.signal_handlers.on_image_saved)."""
    return f"image:{image_id}"


MAX_LOCAL_PICTURES = 2000
_local_pictures = {}  # fragment key -> (image tag token, HTML): this process's copies


def card_pictures(articles, eager_first=False, lead=False):
    """Return {article pk: picture HTML} for the articles with a hero image.

    The first one is loaded eagerly if `eager_first`, sized as the lead story's if `lead`.

    From this process's memory while the image's tag is unchanged (no I/O), else from the
    shared fragment cache (one read for all), else rendered (loading the image and renditions).
    """
    wanted = {}
    for n, article in enumerate(articles):
        if article.hero_image_id:
            how = ("lead" if lead else "eager") if eager_first and n == 0 else "lazy"
            wanted[article.pk] = (picture_key(article.hero_image_id, how), article, how)
    if not wanted:
        return {}
    tags = sorted({image_tag(article.hero_image_id) for _, article, _ in wanted.values()})
    tokens = dict(zip(tags, cache.tag_tokens(tags)))
    pictures, missing = {}, {}
    for pk, (key, article, how) in wanted.items():
        token = tokens[image_tag(article.hero_image_id)]
        held = _local_pictures.get(key)
        if held is not None and held[0] == token:
            pictures[pk] = held[1]
        else:
            missing[pk] = (key, article, how, token)
    if missing:
        store = fragment_cache()
        found = store.get_many([key for key, _, _, _ in missing.values()])
        if len(_local_pictures) + len(missing) > MAX_LOCAL_PICTURES:
            _local_pictures.clear()
        for pk, (key, article, how, token) in missing.items():
            html = found.get(key)
            if html is None:
                html = Template(_PICTURE + PICTURE_ATTRS[how]).render(Context({"image": article.hero_image}))
                store.set(key, html, PICTURE_TIMEOUT)
            _local_pictures[key] = (token, html)
            pictures[pk] = html
    return pictures


class Card:
    """What a story card shows, read as one row: no page model is built for it.

    A page instance costs a listing more to build (Wagtail's and modelcluster's __init__, a
    converter per column) than its card costs to write. The hero image and the page itself are
    loaded only when the card's picture or URL is not known yet in this process.
    """

    __slots__ = ("pk", "title", "url_path", "hero_image_id", "article_type", "date", "standfirst",
                 "evidence_badge", "_image", "_page")
    COLUMNS = ("pk", "title", "url_path", "hero_image_id", "article_type", "date", "standfirst", "evidence_badge")

    def __init__(self, pk, title, url_path, hero_image_id, article_type, date, standfirst, evidence_badge):
        self.pk, self.title, self.url_path, self.hero_image_id = pk, title, url_path, hero_image_id
        self.article_type, self.date, self.standfirst, self.evidence_badge = article_type, date, standfirst, evidence_badge
        self._image = self._page = None

    @classmethod
    def rows(cls, rows):
        return [cls(*row) for row in rows]

    @property
    def id(self):
        return self.pk

    def __repr__(self):
        return f"<Card {self.pk}: {self.title!r}>"

    def __eq__(self, other):
        return isinstance(other, Card) and other.pk == self.pk

    def __hash__(self):
        return hash(self.pk)

    def get_article_type_display(self):
        return dict(ARTICLE_TYPES).get(self.article_type, self.article_type)

    @property
    def hero_image(self):
        if self._image is None and self.hero_image_id:
            self._image = get_image_model().objects.filter(pk=self.hero_image_id).first()
        return self._image

    @property
    def page(self):
        """The story's page row, for its URL: an article's URL is worked out as any page's is."""
        if self._page is None:
            self._page = Page.objects.get(pk=self.pk)
        return self._page

    def get_url_parts(self, request=None):
        return self.page.get_url_parts(request=request)


class UrlCache:
    """Holds Wagtail's site root paths for one rendering (what `page.url` reads on every call).

    Wagtail keeps them in the shared cache; this process keeps its copy until a site changes or
    a page moves (which may be a site's root).
    """

    def __init__(self):
        self._wagtail_cached_site_root_paths = site_root_paths()


MAX_URLS = 20_000
_urls = {}  # (url_path, site root paths, script prefix) -> what `article.url` returns


def card_url(article, url_cache):
    """Return `article.url` (relative on a single site), reversing each URL once per process."""
    roots = url_cache._wagtail_cached_site_root_paths
    key = (article.url_path, roots, get_script_prefix())
    url = _urls.get(key, _urls)
    if url is _urls:
        parts = article.get_url_parts(request=url_cache)
        if parts is None or parts[1] is None and parts[2] is None:
            url = None
        else:
            _, root_url, page_path = parts
            url = page_path if len({root[0] for root in roots}) == 1 else root_url + page_path
        if len(_urls) >= MAX_URLS:
            _urls.clear()
        _urls[key] = url
    return url


def render_cards(articles, eager_first=False, level=2, url_cache=None, lead=False):
    """Return the cards of a listing (safe markup), the first one's picture loaded eagerly if asked.

    With `lead`, the first card is the listing's lead story (wider, see .cards-lead in site.css)
    and its picture is sized for that.
    """
    articles = list(articles)
    pictures = card_pictures(articles, eager_first, lead)
    url_cache = url_cache or UrlCache()
    cards = [(a, pictures.get(a.pk, ""), card_url(a, url_cache)) for a in articles]
    return macros("epitope/cards.html").cards(cards, level or 2, get_language())
