"""Background work of the page cache: purging a CDN after content changes."""

from django_tasks import task

from . import frontend_purge


@task()
def purge_cdn_for_tags(tags):
    """Purge the CDN copies of every page showing any of the tags (worked out now, in the worker)."""
    frontend_purge.purge(frontend_purge.urls_for_tags(tags))


@task()
def purge_cdn_everything():
    frontend_purge.purge(frontend_purge.urls_for_everything())


@task()
def purge_cdn_urls(urls):
    frontend_purge.purge(urls)
