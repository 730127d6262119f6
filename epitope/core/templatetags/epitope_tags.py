from django import template

register = template.Library()


@register.simple_tag
def nav_hubs():
    """Return the live topic hubs for the main navigation (title, url), in page-tree order.

    Every page shows them, and they change only when a hub is saved, published, moved or
    deleted (the "hubs" and "global" tags) or a site changes, so each process keeps them until then.
    """
    from epitope.core import cache

    return cache.memo("nav-hubs", [cache.HUBS, cache.GLOBAL, cache.SITES], _load_nav_hubs)


def _load_nav_hubs():
    from epitope.topics.models import TopicPage

    pages = TopicPage.objects.live().public().only("title", "url_path", "path").order_by("path")[:8]
    return tuple(NavLink(page.title, page.url) for page in pages)


class NavLink:
    __slots__ = ("title", "url")

    def __init__(self, title, url):
        self.title, self.url = title, url
