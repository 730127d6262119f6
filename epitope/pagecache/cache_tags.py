"""Which cache tags a page depends on, and which tags a change bumps: each page model says so.

The page cache knows no feature app. A page model declares its part of the contract below
with up to three hooks; a page without them (Wagtail's root, a plain page) takes the defaults.

    cache_tags(self)             the tags the rendered page depends on
                                 (default: global and page:P)
    purge_tags(cls, pages)       the tags a change to these pages (published, changed,
                                 unpublished, deleted, hidden) bumps (default: global)
    pages_to_purge(cls, tags)    the live pages of this model a CDN must forget once these
                                 tags are bumped, besides the pages whose page:P is among them
                                 (default: none); each at every path of `get_cached_paths()`,
                                 Wagtail's own hook for the URL variants a page is cached at

The contract:

    page shown                 depends on
    ---------------------------------------------------------------------------------
    every page                 global (header nav lists the hubs; footer shows policies)
    article A                  page:A, listing:T for its topics (related stories),
                               topic:X for its topics and their ancestors (links, breadcrumbs)
    hub of topic T             page:H, listing:T, topic:T, topic:C for T's children
    home, /articles/           page:P, latest
    anything else              page:P

    change                     bumps
    ---------------------------------------------------------------------------------
    article published, changed, unpublished or deleted
                               page:A, latest, listing:X for its topics before and after
                               the change and all their ancestors
    topic renamed or moved     topic:T, listing:X for T and its old and new ancestors
                               (epitope.topics.signal_handlers)
    hub, policy or other page  global (hub titles and policy links are on every page)
    home, article index        page:P
    image edited               as an article change, for each live article showing it
                               (epitope.articles.signal_handlers)
    who may see a page changed (view restriction set, changed or removed; unpublished;
    moved)                     as a change of that page and of every live page below it,
                               and restrictions (epitope.pagecache.visibility)
"""

from .cache import GLOBAL, LATEST, page_tag


def tags_for_page(page):
    """Return the tags a rendered page depends on."""
    declared = getattr(page, "cache_tags", None)
    return set(declared()) if declared is not None else {GLOBAL, page_tag(page.pk)}


def tags_for_change(model, pages):
    """Return the tags to bump when these pages, all of `model`, change."""
    declared = getattr(model, "purge_tags", None)
    return set(declared(pages)) if declared is not None else {GLOBAL}


def ids_of(prefix, tags):
    """Return the ids named by the tags of one kind, e.g. ids_of("listing", tags) -> {12, 14}."""
    start = f"{prefix}:"
    return {int(tag[len(start):]) for tag in tags if tag.startswith(start)}


class ListsLatest:
    """For a page listing the newest stories (home, /articles/): any article change shows on it."""

    def cache_tags(self):
        return {GLOBAL, page_tag(self.pk), LATEST}

    @classmethod
    def purge_tags(cls, pages):
        return {page_tag(page.pk) for page in pages}

    @classmethod
    def pages_to_purge(cls, tags):
        return cls.objects.live() if LATEST in tags else cls.objects.none()
