"""Each private Django or Wagtail internal the page cache relies on, read back through the framework.

If Django or Wagtail renames or stops honouring one, its test here fails: without it the speed-up
would silently stop (every page routed or compiled the slow way) or, worse, serve wrong rows.
"""

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from epitope.articles.models import ArticlePage
from epitope.pagecache import prepared, routes
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed_hub(client):
    """The cancer hub, its URL routed once by Wagtail and remembered (routes.RouteMiddleware)."""
    site = f.hub_site()
    assert client.get("/cancer-immunology/").status_code == 200
    return site["cancer_hub"]


def primed_request(path):
    request = RequestFactory().get(path)
    assert routes.prime(request) is not None
    return request


def test_wagtail_takes_the_site_routes_sets_on_the_request(routed_hub):
    request = primed_request("/cancer-immunology/")
    with CaptureQueriesContext(connection) as queries:
        site = Site.find_for_request(request)  # reads request._wagtail_site
    assert site is request._wagtail_site and len(queries) == 0


def test_wagtail_takes_the_route_routes_sets_on_the_request(routed_hub):
    request = primed_request("/cancer-immunology/")
    with CaptureQueriesContext(connection) as queries:
        page, args, kwargs = Page.route_for_request(request, "/cancer-immunology/")  # request._wagtail_route_for_request
    assert (page.pk, args, kwargs) == (routed_hub.pk, [], {}) and len(queries) == 0


def test_wagtail_builds_page_urls_from_the_site_root_paths_routes_sets_on_the_request(routed_hub):
    request = primed_request("/cancer-immunology/")
    page = request._wagtail_route_for_request[0]
    request._wagtail_cached_site_root_paths = ()  # no site at all: Wagtail must take this, not look again
    assert page.get_url_parts(request) is None


def test_a_frozen_query_runs_its_kept_sql_without_compiling_again(monkeypatch):
    """prepared._freeze replaces the query's get_compiler and the compiler's as_sql on the instances;
    Query.clone must carry them to every chained copy, and QuerySet._chain must exist."""
    site = f.hub_site()
    f.article(site["index"], "Kept", [site["cancer"]], hero=False)
    frozen = prepared._freeze(ArticlePage.objects.filter(title="Kept").order_by("pk"))
    compiled = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or original(self, *a, **k))
    with CaptureQueriesContext(connection) as queries:
        rows = list(frozen._chain())
    assert [row.title for row in rows] == ["Kept"]
    assert compiled == [] and len(queries) == 1
