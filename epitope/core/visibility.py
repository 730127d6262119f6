"""Forget a page everywhere once who may see it changes, before the editor's request returns.

A view restriction set, changed or removed, an unpublish, or a move (under a restricted page,
or out from under one) changes which visitors may see a page and every page below it. Their
stored copies and every page listing them (home, /articles/, hubs, related stories; see
`cache_tags`) are purged at once and again after the commit, as on a publish.

The CDN is purged from the request itself once the change is committed, not from the worker's
queue as after a publish: until then the CDN goes on serving the page to anyone, and the worker
may be minutes behind. Only the pages' own URLs and the listings showing them are sent. A
change shown on every page (a hub or a policy: the navigation and the footer) also purges
everything else, from the queue: those pages show a link, not the page.
"""

from django.db import transaction

from . import cache, cache_tags, frontend_purge, tasks


def at_or_below(page):
    """Return the page and every live page below it, as a page queryset."""
    from django.db.models import Q
    from wagtail.models import Page

    return Page.objects.descendant_of(page, inclusive=True).filter(Q(live=True) | Q(pk=page.pk))


def changed(pages, extra_tags=(), old_urls=()):
    """Purge the pages (a page queryset), every page listing them and the CDN's copies of both.

    `old_urls` are addresses the pages had before a move: the CDN still holds them.
    """
    from epitope.articles.models import ArticlePage

    articles = ArticlePage.objects.filter(pk__in=pages.values("pk"))
    article_ids = list(articles.values_list("pk", flat=True))
    through = ArticlePage.topics.through
    topic_ids = set(through.objects.filter(articlepage_id__in=article_ids).values_list("topic_id", flat=True))
    others = list(pages.not_type(ArticlePage).specific(defer=True))  # few: hubs, policies, indexes

    tags = set(extra_tags) | cache_tags.tags_for_articles_change(article_ids, topic_ids)
    for page in others:
        tags |= cache_tags.tags_for_page_change(page)
    cache.bump(tags)
    transaction.on_commit(lambda: cache.bump(tags), robust=True)
    if cache.GLOBAL in tags:
        from epitope.privacy.policies import forget_versions

        forget_versions()  # the footer and consent banner read policy versions through this cache

    if frontend_purge.enabled():
        # Listed now, while an unpublished or deleted page still has its address.
        urls = frontend_purge.urls_for_pages(pages.specific(defer=True), topic_ids if article_ids else None)
        urls |= set(old_urls)
        transaction.on_commit(lambda: frontend_purge.purge_now(urls), robust=True)
        if cache.GLOBAL in tags:
            tasks.purge_cdn_everything.enqueue()
    return tags


def moved(page, url_path_before, url_path_after):
    """Purge a page moved to a new address, and every page below it, at their old addresses too."""
    pages = at_or_below(page)
    old_urls = []
    if frontend_purge.enabled():
        for below in pages.specific(defer=True):
            # Wagtail builds a page's address from its url_path: give it the old one.
            below.url_path = url_path_before + below.url_path[len(url_path_after):]
            old_urls.append(below.get_full_url())
    return changed(pages, {cache.RESTRICTIONS}, [url for url in old_urls if url])
