"""The one place absolute URLs start from: the Wagtail Site's hostname and port.

Wagtail already builds page URLs (canonical links, sitemaps, feed items) from the Site. Every
other absolute URL (robots.txt, image URLs, JSON-LD's publisher, a feed's self link, links in
mails) starts from the same Site here, never from the request's Host header, so a site speaks
of itself under one address, and a forged Host cannot plant its own domain in a page or a
mail. `epitope demo --port N` points the default Site at the address it serves on.
"""

from urllib.parse import urlsplit

from django.conf import settings
from wagtail.models import Site


def root_url(request=None):
    """Return `scheme://host[:port]` of the site serving `request`, or of the default site.

    Without any Site (a database being set up) the configured WAGTAILADMIN_BASE_URL stands in.
    """
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).only("hostname", "port").first()
    if site is None:
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return site.root_url


def absolute(url, request=None, root=None):
    """Return `url` (a path, or already absolute) as an absolute URL on the site's address."""
    if url.startswith(("http://", "https://")):
        return url
    return (root or root_url(request)) + url


def point_default_site(base_url, site_name=None):
    """Make the default Site answer at `base_url` (e.g. http://127.0.0.1:8101); return the Site.

    https on port 443 and http on 80 are the only schemes a Wagtail Site can express.
    """
    parts = urlsplit(base_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    site = Site.objects.get(is_default_site=True)
    wanted = (parts.hostname, port, site_name or site.site_name)
    if (site.hostname, site.port, site.site_name) != wanted:
        site.hostname, site.port, site.site_name = wanted
        site.save()
    return site
