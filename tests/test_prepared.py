"""Queries compiled once per key (pagecache.prepared): the SQL is kept, never the rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from epitope.articles.models import ArticlePage
from epitope.pagecache import prepared
from tests import factories as f

pytestmark = pytest.mark.django_db


def titles(response):
    return [a.title for a in response.context["cards"]]


def test_a_hub_shows_what_is_published_after_its_queries_were_compiled(client):
    site = f.hub_site()
    f.article(site["index"], "First", [site["cancer"]], date=datetime.date(2026, 1, 1), hero=False)
    assert titles(client.get("/cancer-immunology/")) == ["First"]
    second = f.article(site["index"], "Second", [site["cancer"]], date=datetime.date(2026, 2, 1), hero=False)
    response = client.get("/cancer-immunology/")
    assert titles(response) == ["Second", "First"]
    assert response.context["cards"].paginator.count == 2
    ArticlePage.objects.get(pk=second.pk).unpublish()
    assert titles(client.get("/cancer-immunology/")) == ["First"]


def test_filters_types_and_pages_each_get_their_own_query(client):
    site = f.hub_site()
    for n in range(13):
        f.article(site["index"], f"News {n}", [site["cancer"]], date=datetime.date(2026, 1, n + 1), hero=False)
    f.article(site["index"], "A feature", [site["cancer"]], article_type="feature", hero=False)
    assert titles(client.get("/cancer-immunology/?type=feature")) == ["A feature"]
    assert titles(client.get("/cancer-immunology/?type=news&page=2")) == ["News 0"]
    assert len(titles(client.get("/cancer-immunology/?type=news"))) == 12
    assert titles(client.get("/cancer-immunology/?page=2")) == ["News 1", "News 0"]


def test_build_runs_once_per_key_and_rows_are_read_every_time():
    site = f.hub_site()
    f.article(site["index"], "Only", [site["cancer"]], hero=False)
    builds = []

    def build():
        builds.append(1)
        return ArticlePage.objects.live().order_by("title")

    key = ("test-prepared", "live articles")
    assert [a.title for a in prepared.fetch(key, build)] == ["Only"]
    f.article(site["index"], "Another", [site["cancer"]], hero=False)
    with CaptureQueriesContext(connection) as queries:
        assert [a.title for a in prepared.fetch(key, build)] == ["Another", "Only"]
    assert len(builds) == 1 and len(queries) == 1
    assert prepared.count(key, build) == 2


def test_a_query_that_can_match_nothing_returns_nothing():
    def build():
        return ArticlePage.objects.filter(pk__in=[])

    assert prepared.fetch(("test-prepared", "none"), build) == []
    assert prepared.count(("test-prepared", "none"), build) == 0
    listing = prepared.Listing(("test-prepared", "listing"), lambda: ArticlePage.objects.order_by("pk"))
    assert listing[0:0] == [] and listing.count() == 0
    with pytest.raises(TypeError):
        listing[0]
