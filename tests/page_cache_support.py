"""Shared by the page-cache tests: is a path's response stored for anonymous visitors? What did the CDN purge?"""

import pytest
from django.test import RequestFactory
from werkzeug import Response

from epitope.pagecache import cache


def is_cached(path):
    return cache.lookup(RequestFactory().get(path).META) is not None


@pytest.fixture
def cdn(httpserver, settings):
    """A CDN on loopback that Wagtail's HTTP frontend-cache backend sends its PURGE requests to."""
    settings.WAGTAILFRONTENDCACHE = {
        "cdn": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": httpserver.url_for("/")}
    }
    httpserver.expect_request("", method="PURGE").respond_with_response(Response("purged"))
    return httpserver


def purged(server):
    """Return the URLs the CDN was asked to purge, as the site's visitors would see them."""
    return {
        f"http://{req.headers['Host']}{req.path}" + (f"?{req.query_string.decode()}" if req.query_string else "")
        for req, _ in server.log
        if req.method == "PURGE"
    }
