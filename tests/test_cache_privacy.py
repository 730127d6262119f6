"""Who may see a page changes: visitors, every listing and the CDN stop showing it before the admin answers.

Driven as an editor drives it (the admin's own privacy, unpublish and move views), with the
production page cache on over each of its stores, the visitor served by the production WSGI
application (the page cache's fast path, then Django) and a CDN on loopback.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from django.urls import reverse
from werkzeug.test import Client as WSGIClient

from epitope.articles.models import ArticleIndexPage
from epitope.core.site_setup import ensure_hub
from epitope.pagecache import cache
from epitope.pagecache.serving import PageCacheApplication
from tests import factories as f
from tests.page_cache_support import cdn, purged  # noqa: F401 - cdn is a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache", "worker_behind")]

BASE = "http://localhost"
SECRET = "Only members may read this."
LISTINGS = ["/", "/articles/", "/cell-therapy/", "/cancer-immunology/", "/immunology/"]
UNRELATED = "/cancer-vaccines/"


@pytest.fixture
def worker_behind(settings):
    """Tasks queued in the database as in production, with no worker running: what the CDN
    receives during the editor's request is all it gets before the change is reported done."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def worker_keeping_up(settings):
    """Tasks run at once: the search index is updated by one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(params=["file", "redis"])
def page_store(request, settings, tmp_path):
    """The page cache's store as production configures it: files with a generation file, or Redis."""
    if request.param == "file":
        settings.CACHES = {**settings.CACHES, "pages": {
            "BACKEND": "epitope.pagecache.filecache.FileCache", "LOCATION": str(tmp_path / "pages"),
        }}
        settings.EPITOPE_PAGE_CACHE_GENERATION_FILE = str(tmp_path / "pages.generation")
    else:
        default = settings.CACHES["default"]
        if "redis" not in default["BACKEND"].lower():
            pytest.skip("the Redis store runs with --ds=epitope.settings.test_postgres (make test-postgres)")
        settings.CACHES = {**settings.CACHES, "pages": {**default, "KEY_PREFIX": f"{default['KEY_PREFIX']}:pages"}}
    cache.clear()
    yield request.param
    cache.clear()


@pytest.fixture
def visitor(page_store):
    """An anonymous browser talking to `epitope.pagecache.serving`'s application."""
    app = PageCacheApplication(WSGIHandler())

    def in_the_tests_transaction(environ, start_response):
        # As Django's test client does: the connection holds the test's transaction, so the
        # request must not close it (Django's test client reconnects the handler after each request).
        signals = (request_started, request_finished)
        for signal in signals:
            signal.disconnect(close_old_connections)
        try:
            result = app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        finally:
            for signal in signals:
                signal.connect(close_old_connections)
        return [body]

    return WSGIClient(in_the_tests_transaction)


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client = Client()
    client.force_login(user)

    def post(name, *args, **data):
        # Committed as in production (autocommit): what waits for the commit runs at once, in
        # the request, not when the test's transaction ends.
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(transaction.get_connection(), "on_commit", lambda func, robust=False: func())
            response = client.post(reverse(name, args=[p.pk for p in args]), data)
        assert response.status_code in (200, 302), response.content[:500]
        return response

    return post


@pytest.fixture
def site():
    site = f.hub_site()
    site["vaccines_hub"] = ensure_hub(site["home"], site["vaccines"])
    site["story"] = f.article(site["index"], "Checkpoint scoop", [site["cell"]], hero=False, standfirst=SECRET)
    site["other"] = f.article(site["index"], "Vaccine round-up", [site["vaccines"]], hero=False)
    return site


def body(response):
    return response.get_data(as_text=True)


def prime(visitor, paths):
    """Visit each path twice: the second answer comes from the page cache."""
    for path in paths:
        assert visitor.get(path).status_code == 200, path
        assert visitor.get(path).headers.get("X-Epitope-Cache") == "hit", path


def served_from_cache(visitor, path):
    return visitor.get(path).headers.get("X-Epitope-Cache") == "hit"


def assert_hidden(visitor, story, restriction):
    response = visitor.get(story.url)
    assert SECRET not in body(response)
    if restriction == "password":
        assert response.status_code == 200 and 'type="password"' in body(response)
    else:
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    for path in LISTINGS:
        assert "Checkpoint scoop" not in body(visitor.get(path)), path


def assert_cdn_forgot_story(cdn, story, only_its_listings=True):
    urls = purged(cdn)
    expected = {f"{BASE}{story.url}", f"{BASE}/", f"{BASE}/articles/", f"{BASE}/cell-therapy/",
                f"{BASE}/cancer-immunology/", f"{BASE}/immunology/", f"{BASE}/cell-therapy/feed/rss/"}
    assert expected <= urls, expected - urls
    if only_its_listings:
        assert not any("/cancer-vaccines/" in url for url in urls)  # a hub not listing it


@pytest.mark.parametrize("restriction", ["password", "login", "groups"])
def test_a_restriction_set_in_the_admin_hides_the_page_and_its_cards_at_once(visitor, editor, cdn, site, restriction):
    story = site["story"]
    prime(visitor, [story.url, *LISTINGS, UNRELATED])
    assert SECRET in body(visitor.get(story.url))
    cdn.clear_log()

    data = {"restriction_type": restriction}
    if restriction == "password":
        data["password"] = "members-only"
    if restriction == "groups":
        data["groups"] = [Group.objects.create(name="Members").pk]
    editor("wagtailadmin_pages:set_privacy", story, **data)

    assert_hidden(visitor, story, restriction)
    assert_cdn_forgot_story(cdn, story)
    assert served_from_cache(visitor, UNRELATED)  # only what shows the page is purged
    assert visitor.get(f"/articles/{site['other'].slug}/").status_code == 200


def test_changing_and_removing_a_restriction_in_the_admin(visitor, editor, cdn, site):
    story = site["story"]
    editor("wagtailadmin_pages:set_privacy", story, restriction_type="password", password="members-only")
    prime(visitor, LISTINGS)
    assert_hidden(visitor, story, "password")

    cdn.clear_log()
    editor("wagtailadmin_pages:set_privacy", story, restriction_type="login")
    assert_hidden(visitor, story, "login")
    assert f"{BASE}{story.url}" in purged(cdn)

    prime(visitor, LISTINGS)
    cdn.clear_log()
    editor("wagtailadmin_pages:set_privacy", story, restriction_type="none")
    response = visitor.get(story.url)
    assert response.status_code == 200 and SECRET in body(response)
    for path in LISTINGS:
        assert "Checkpoint scoop" in body(visitor.get(path)), path
    assert_cdn_forgot_story(cdn, story)


def test_a_restriction_on_a_parent_hides_every_page_below_it(visitor, editor, cdn, site):
    story = site["story"]
    prime(visitor, [story.url, *LISTINGS])
    cdn.clear_log()
    editor("wagtailadmin_pages:set_privacy", site["index"], restriction_type="password", password="members-only")
    for page in (story, site["other"]):
        response = visitor.get(page.url)
        assert response.status_code == 200 and 'type="password"' in body(response)
    for path in ("/", "/cell-therapy/", UNRELATED):
        html = body(visitor.get(path))
        assert "Checkpoint scoop" not in html and "Vaccine round-up" not in html, path
    assert_cdn_forgot_story(cdn, story, only_its_listings=False)
    assert {f"{BASE}/articles/{site['other'].slug}/", f"{BASE}/cancer-vaccines/"} <= purged(cdn)


def test_unpublishing_in_the_admin_purges_the_page_its_listings_and_the_cdn(visitor, editor, cdn, site):
    story = site["story"]
    prime(visitor, [story.url, *LISTINGS, UNRELATED])
    cdn.clear_log()
    editor("wagtailadmin_pages:unpublish", story)
    assert visitor.get(story.url).status_code == 404
    for path in LISTINGS:
        assert "Checkpoint scoop" not in body(visitor.get(path)), path
    assert_cdn_forgot_story(cdn, story)
    assert served_from_cache(visitor, UNRELATED)


def test_moving_a_page_under_a_restricted_parent_in_the_admin(visitor, editor, cdn, site):
    story = site["story"]
    members = site["home"].add_child(instance=ArticleIndexPage(title="Members", slug="members"))
    editor("wagtailadmin_pages:set_privacy", members, restriction_type="login")
    prime(visitor, [story.url, *LISTINGS, UNRELATED])
    old_url = story.url
    cdn.clear_log()

    editor("wagtailadmin_pages:move_confirm", story, members)

    story.refresh_from_db()
    assert story.url == "/members/checkpoint-scoop/"
    at_old_url = visitor.get(old_url)  # Wagtail left a redirect to the new address
    assert SECRET not in body(at_old_url) and at_old_url.status_code in (301, 404)
    assert_hidden(visitor, story, "login")
    urls = purged(cdn)
    assert f"{BASE}{old_url}" in urls  # the CDN's copy at the old address
    assert_cdn_forgot_story(cdn, story)
    assert served_from_cache(visitor, UNRELATED)


@pytest.mark.usefixtures("page_store")
def test_no_listing_shows_a_restricted_page_to_anonymous_visitors(worker_keeping_up, editor, site, client):
    story = site["story"]
    sibling = f.article(site["index"], "Cell sibling", [site["cell"]], hero=False)
    listings = [
        "/", "/articles/", "/cell-therapy/", "/cancer-immunology/", sibling.url,  # its related stories
        "/cell-therapy/feed/rss/", "/cell-therapy/feed/atom/", "/cell-therapy/feed/json/",
        "/sitemap.xml", "/news-sitemap.xml", "/search/?q=checkpoint", "/api/articles", "/api/articles?topic=cell-therapy",
    ]
    for path in listings:  # shown while public, so the checks below can fail
        assert "Checkpoint scoop" in client.get(path).content.decode() or story.url in client.get(path).content.decode(), path
    assert client.get(f"/api/articles/{story.pk}").status_code == 200

    editor("wagtailadmin_pages:set_privacy", story, restriction_type="login")

    for path in listings:
        html = client.get(path).content.decode()
        assert "Checkpoint scoop" not in html and story.url not in html, path
    assert client.get(f"/api/articles/{story.pk}").status_code == 404


def test_unpublishing_a_section_sends_each_purge_once_before_the_admin_answers(visitor, editor, cdn, site):
    stories = [site["story"], site["other"]]
    prime(visitor, [*(s.url for s in stories), *LISTINGS, UNRELATED])
    cdn.clear_log()
    editor("wagtailadmin_pages:unpublish", site["index"], include_descendants="on")
    for story in stories:
        assert visitor.get(story.url).status_code == 404
    for path in ("/", "/cell-therapy/", UNRELATED):
        html = body(visitor.get(path))
        assert "Checkpoint scoop" not in html and "Vaccine round-up" not in html, path
    sent = [f"http://{req.headers['Host']}{req.full_path.rstrip('?')}" for req, _ in cdn.log if req.method == "PURGE"]
    assert {f"{BASE}{s.url}" for s in stories} | {f"{BASE}/", f"{BASE}/cancer-vaccines/"} <= set(sent)
    assert len(sent) == len(set(sent))  # one request per URL for the three pages unpublished
