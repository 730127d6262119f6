"""What every public page shows around its content, written in Python: share tags, navigation, footer.

The template engine spent about a quarter of a warm hub's rendering on these small includes
(each variable a chain of lookups, each include a new context). Each function writes what its
include template did; base.html calls them through `epitope_tags`, so the markup has one home.
"""

from django.utils.safestring import SafeString

from .markup import esc


def social_tags(seo):
    """Return the Open Graph, Twitter and JSON-LD tags for what `social_meta` said about a page."""
    if not seo:
        return ""
    out = [
        "",
        '<meta property="og:site_name" content="Epitope">',
        f'<meta property="og:type" content="{esc(seo["type"])}">',
        f'<meta property="og:title" content="{esc(seo["title"])}">',
        f'<meta property="og:url" content="{esc(seo["url"])}">',
    ]
    image = seo.get("image")
    if seo.get("description"):
        out.append(f'<meta property="og:description" content="{esc(seo["description"])}">')
    if image:
        out += [
            f'<meta property="og:image" content="{esc(image["url"])}">',
            f'<meta property="og:image:type" content="{esc(image["mime_type"])}">',
            f'<meta property="og:image:width" content="{esc(image["width"])}">',
            f'<meta property="og:image:height" content="{esc(image["height"])}">',
        ]
        if image.get("alt"):
            out.append(f'<meta property="og:image:alt" content="{esc(image["alt"])}">')
    if seo.get("published"):
        out += [
            f'<meta property="article:published_time" content="{esc(seo["published"])}">',
            f'<meta property="article:modified_time" content="{esc(seo["modified"])}">',
        ]
        out += [f'<meta property="article:tag" content="{esc(tag)}">' for tag in seo.get("tags", ())]
    out += [
        f'<meta name="twitter:card" content="{"summary_large_image" if image else "summary"}">',
        f'<meta name="twitter:title" content="{esc(seo["title"])}">',
    ]
    if seo.get("description"):
        out.append(f'<meta name="twitter:description" content="{esc(seo["description"])}">')
    if image:
        out.append(f'<meta name="twitter:image" content="{esc(image["url"])}">')
        if image.get("alt"):
            out.append(f'<meta name="twitter:image:alt" content="{esc(image["alt"])}">')
    if seo.get("jsonld"):
        out.append(f'<script type="application/ld+json">{seo["jsonld"]}</script>')  # already made safe
    return SafeString("\n".join(out) + "\n")  # every value above escaped


def _nav_link(url, label, path):
    current = ' aria-current="page"' if path == url else ""
    return f'<li><a href="{esc(url)}"{current}>{esc(label)}</a></li>'


def nav_items(hubs, path):
    """Return the main navigation's <li>s: home, each hub, all stories; the page at `path` marked current."""
    hub_links = "".join(_nav_link(hub.url, hub.title, path) for hub in hubs)
    return SafeString(
        "\n" + _nav_link("/", "Home", path) + "\n" + hub_links + "\n" + _nav_link("/articles/", "All stories", path) + "\n"
    )


def footer(policy_versions):
    """Return the site footer: the live policies' links and the button that reopens the consent banner."""
    links = ""
    for kind, label in (("privacy", "Privacy Policy"), ("cookies", "Cookie Policy")):
        url = (policy_versions or {}).get(kind, {}).get("url")
        if url:
            links += f'\n    <li><a href="{esc(url)}">{label}</a></li>'
    return SafeString(
        '<footer class="site-footer">\n  <ul>'
        f"{links}\n"
        '    <li><button type="button" class="link-button" data-consent-open>Cookie settings</button></li>\n'
        "  </ul>\n"
        "  <p>Epitope — news and features from cancer immunology.</p>\n"
        "</footer>"
    )


def feed_links(hub, query):
    """Return the <link rel="alternate">s of a hub's RSS, Atom and JSON feeds; `query` keeps its filters."""
    title = esc(f"{hub.display_title} | Epitope")
    slug, query = esc(hub.slug), esc(query)
    return SafeString("".join(
        f'\n<link rel="alternate" type="{kind}" title="{title} ({name})" href="/{slug}/feed/{path}/{query}">'
        for kind, name, path in (
            ("application/rss+xml", "RSS", "rss"), ("application/atom+xml", "Atom", "atom"),
            ("application/feed+json", "JSON Feed", "json"),
        )
    ) + "\n")


def type_filter(type_choices, article_type, facet_query):
    """Return a listing's story-type links ("All", News, Feature, ...), keeping its other filters.

    `facet_query` is the listing's other active filters as a query string (a hub's
    ?modality=…), kept when the type changes; the chosen type is marked current.
    """
    facet_query = esc(facet_query or "")
    links = [f'<li><a href="?{facet_query}"{"" if article_type else _CURRENT_PAGE}>All</a></li>']
    also = f"&amp;{facet_query}" if facet_query else ""
    links += [
        f'<li><a href="?type={esc(value)}{also}"{_CURRENT_PAGE if article_type == value else ""}>{esc(label)}</a></li>'
        for value, label in type_choices or ()
    ]
    return SafeString(
        '<nav class="type-filter" aria-label="Story type">\n  <ul>\n    ' + links[0] + "\n    " + "".join(links[1:])
        + "\n  </ul>\n</nav>"
    )


_CURRENT_PAGE = ' aria-current="page"'


def pagination(page_obj, filter_query="", article_type="", newer="", older=""):
    """Return the newer/older links of a paginated listing, or nothing when it has one page.

    Each link keeps the listing's active filters: `filter_query` (type and facets) when there
    is one, else the story type alone.
    """
    paginator = getattr(page_obj, "paginator", None)
    if paginator is None or paginator.num_pages <= 1:
        return ""
    if filter_query:
        keep = f"{esc(filter_query)}&amp;"
    elif article_type:
        keep = f"type={esc(article_type)}&amp;"
    else:
        keep = ""
    out = ['<nav class="pagination" aria-label="Pages">\n  ']
    if page_obj.has_previous():
        out.append(f'<a rel="prev" href="?{keep}page={page_obj.previous_page_number()}">{esc(newer or "Newer stories")}</a>')
    out.append(f"\n  <span>Page {page_obj.number} of {paginator.num_pages}</span>\n  ")
    if page_obj.has_next():
        out.append(f'<a rel="next" href="?{keep}page={page_obj.next_page_number()}">{esc(older or "Older stories")}</a>')
    out.append("\n</nav>\n")
    return SafeString("".join(out))
