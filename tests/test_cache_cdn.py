"""CDN purge: Wagtail's HTTP frontend-cache backend receives PURGE requests for exactly the pages showing a change."""

import datetime

import pytest

from epitope.core.site_setup import ensure_hub
from tests import factories as f
from tests.page_cache_support import cdn, purged  # noqa: F401 - cdn is a fixture
from tests.privacy_pages import policy_pages, publish_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    site = f.hub_site()
    ensure_hub(site["home"], site["vaccines"])
    for n in range(13):
        f.article(site["index"], f"Cell story {n}", [site["cell"]], date=datetime.date(2026, 1, n + 1), hero=False)
    return site


def test_publishing_an_article_purges_its_page_hubs_with_every_variant_home_and_index(cdn, site):
    cdn.clear_log()
    article = f.article(site["index"], "Breaking", [site["cell"]], hero=False)
    urls = purged(cdn)
    base = "http://localhost"
    expected = {
        f"{base}/articles/breaking/",
        f"{base}/",
        f"{base}/cell-therapy/", f"{base}/cell-therapy/?page=2",
        f"{base}/cancer-immunology/", f"{base}/cancer-immunology/?page=2",
        f"{base}/cancer-immunology/?type=news", f"{base}/cancer-immunology/?type=news&page=2",
        f"{base}/cancer-immunology/?type=feature",
        f"{base}/immunology/", f"{base}/immunology/?page=2",
        f"{base}/articles/", f"{base}/articles/?page=2",
    }
    assert article.url == "/articles/breaking/"
    assert expected <= urls
    assert not any("/cancer-vaccines/" in url for url in urls)


def test_publishing_a_policy_purges_every_public_page(cdn, site):
    privacy, _ = policy_pages(site["home"])
    cdn.clear_log()
    publish_version(privacy, "2")
    urls = purged(cdn)
    assert {"http://localhost/", "http://localhost/cancer-vaccines/", "http://localhost/articles/cell-story-0/",
            "http://localhost/privacy-policy/", "http://localhost/cancer-immunology/?page=2"} <= urls


def test_nothing_is_sent_without_a_configured_cdn(httpserver, site):
    f.article(site["index"], "Quiet", [site["cell"]], hero=False)
    assert list(httpserver.log) == []
