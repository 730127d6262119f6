"""What every public page shows around its content: share tags, navigation, footer, feed links,
a listing's type filter and pagination.

Django's template engine spent about a quarter of a warm hub's rendering on these small
includes; they are Jinja2 macros in templates/jinja2/epitope/chrome.html, and base.html and the
listings call them through `epitope_tags`, `seo_tags` and `feed_tags`.
"""

from .jinja import macros


def _chrome():
    return macros("epitope/chrome.html")


def social_tags(seo):
    """Return the Open Graph, Twitter and JSON-LD tags for what `social_meta` said about a page."""
    return _chrome().social_tags(seo) if seo else ""


def canonical_link(url):
    """Return the page's <link rel="canonical">."""
    return _chrome().canonical_link(url)


def nav_items(hubs, path):
    """Return the main navigation's <li>s: home, each hub, all stories; the page at `path` marked current."""
    links = [("/", "Home"), *((hub.url, hub.title) for hub in hubs), ("/articles/", "All stories")]
    return _chrome().nav_items(links, path)


def footer(policy_versions):
    """Return the site footer: the live policies' links and the button that reopens the consent banner."""
    urls = [((policy_versions or {}).get(kind) or {}).get("url") for kind in ("privacy", "cookies")]
    return _chrome().footer(*urls)


def feed_links(hub, query):
    """Return the <link rel="alternate">s of a hub's RSS, Atom and JSON feeds; `query` keeps its filters."""
    return _chrome().feed_links(hub, query)


def feed_list(hub, query):
    """Return the <li>s of visible links to a hub's RSS, Atom and JSON feeds; `query` keeps its filters."""
    return _chrome().feed_list(hub, query)


def type_filter(type_choices, article_type, facet_query):
    """Return a listing's story-type links ("All", News, Feature, ...), keeping its other filters."""
    return _chrome().type_filter(type_choices, article_type, facet_query)


def pagination(page_obj, filter_query="", article_type="", newer="", older=""):
    """Return the newer/older links of a paginated listing, or nothing when it has one page."""
    if getattr(page_obj, "paginator", None) is None:
        return ""
    return _chrome().pagination(page_obj, filter_query, article_type, newer, older)
