"""The page cache: anonymous visitors get stored pages; a publish purges exactly the pages showing it."""

import datetime

import pytest
from django.test import RequestFactory

from epitope.core.site_setup import ensure_hub
from epitope.pagecache import cache
from epitope.pagecache.serving import PageCacheApplication
from tests import factories as f
from tests.page_cache_support import is_cached
from tests.privacy_pages import policy_pages, publish_version

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

HUB_VARIANTS = ["/cancer-immunology/", "/cancer-immunology/?page=2", "/cancer-immunology/?type=news"]


@pytest.fixture
def site():
    site = f.hub_site()
    site["vaccines_hub"] = ensure_hub(site["home"], site["vaccines"])
    for n in range(13):  # two pages on the cancer hub
        f.article(site["index"], f"Cell story {n}", [site["cell"]], date=datetime.date(2026, 1, n + 1), hero=False)
    site["vaccine_story"] = f.article(site["index"], "Vaccine story", [site["vaccines"]], hero=False)
    site["policy"], _ = policy_pages(site["home"])
    return site


def fresh(page):
    return type(page).objects.get(pk=page.pk)


def prime(client, paths):
    for path in paths:
        assert client.get(path).status_code == 200, path
    assert all(is_cached(p) for p in paths)


def test_second_anonymous_visit_is_served_from_the_cache(client, site):
    first = client.get("/cancer-immunology/")
    assert first["X-Epitope-Cache"] == "miss"
    # Changing the database behind Wagtail's back (no publish) is not seen: the page is stored.
    type(site["cancer_hub"]).objects.filter(pk=site["cancer_hub"].pk).update(heading="Changed behind the cache")
    second = client.get("/cancer-immunology/")
    assert second["X-Epitope-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert client.get("/cancer-immunology/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_publishing_an_article_purges_its_hubs_home_and_index_but_not_unrelated_hubs(client, site):
    new = f.article(site["index"], "Breaking CAR-T news", [site["cell"]], date=datetime.date(2026, 3, 1), hero=False, publish=False)
    unrelated = ["/cancer-vaccines/", site["vaccine_story"].url, site["policy"].url]
    affected = [*HUB_VARIANTS, "/cell-therapy/", "/immunology/", "/", "/articles/", "/articles/?page=2"]
    prime(client, affected + unrelated)

    new.save_revision().publish()

    assert [p for p in affected if is_cached(p)] == []
    assert [p for p in unrelated if is_cached(p)] == unrelated
    assert "Breaking CAR-T news" in client.get("/cell-therapy/").content.decode()
    assert "Breaking CAR-T news" in client.get("/").content.decode()


def test_editing_and_unpublishing_an_article_purges_its_page_and_its_hubs(client, site):
    story = fresh(site["vaccine_story"])
    prime(client, [story.url, "/cancer-vaccines/", "/cell-therapy/"])
    story.title = "Vaccine story, corrected"
    story.save_revision().publish()
    assert not is_cached(story.url) and not is_cached("/cancer-vaccines/")
    assert is_cached("/cell-therapy/")
    assert "Vaccine story, corrected" in client.get(story.url).content.decode()

    prime(client, [story.url, "/cancer-vaccines/"])
    fresh(story).unpublish()
    assert client.get(story.url).status_code == 404
    assert "Vaccine story" not in client.get("/cancer-vaccines/").content.decode()


def test_moving_an_article_to_another_topic_purges_the_hub_it_left(client, site):
    story = fresh(site["vaccine_story"])
    prime(client, ["/cancer-vaccines/", "/cell-therapy/"])
    story.topics.set([site["cell"]])
    story.save_revision().publish()
    assert not is_cached("/cancer-vaccines/") and not is_cached("/cell-therapy/")
    assert "Vaccine story" not in client.get("/cancer-vaccines/").content.decode()


def test_related_stories_are_purged_with_their_topic_only(client, site):
    cell_article = type(site["vaccine_story"]).objects.get(title="Cell story 0")
    prime(client, [cell_article.url, site["vaccine_story"].url])
    f.article(site["index"], "Another cell story", [site["cell"]], hero=False)
    assert not is_cached(cell_article.url)  # its "related stories" may change
    assert is_cached(site["vaccine_story"].url)


def test_renaming_a_topic_purges_its_hubs_and_articles_not_unrelated_ones(client, site):
    cell_article = type(site["vaccine_story"]).objects.get(title="Cell story 0")
    prime(client, ["/cell-therapy/", "/cancer-immunology/", cell_article.url, "/cancer-vaccines/", site["vaccine_story"].url])
    site["cell"].name = "Cellular therapy"
    site["cell"].save()
    assert not is_cached("/cell-therapy/") and not is_cached("/cancer-immunology/") and not is_cached(cell_article.url)
    assert is_cached("/cancer-vaccines/") and is_cached(site["vaccine_story"].url)
    assert "Cellular therapy" in client.get("/cancer-immunology/").content.decode()


def test_publishing_a_policy_purges_every_page(client, site):
    paths = [*HUB_VARIANTS, "/cancer-vaccines/", "/", site["vaccine_story"].url]
    prime(client, paths)
    publish_version(site["policy"], "2")
    assert [p for p in paths if is_cached(p)] == []
    assert 'data-privacy-version="2"' in client.get("/").content.decode()


def test_logged_in_editors_never_get_or_fill_the_cache(client, site, django_user_model):
    prime(client, ["/cancer-immunology/"])
    editor = django_user_model.objects.create_superuser("editor", "e@example.org", "pw")
    client.force_login(editor)
    response = client.get("/cancer-vaccines/")
    assert "X-Epitope-Cache" not in response
    assert not is_cached("/cancer-vaccines/")
    assert client.get("/cancer-immunology/").get("X-Epitope-Cache") is None  # rendered for them, not the stored copy


def test_unknown_query_parameters_and_errors_are_not_cached(client, site):
    client.get("/cancer-immunology/?utm_source=mail")
    client.get("/cancer-immunology/?page=99")
    client.post("/cancer-immunology/")
    assert not is_cached("/cancer-immunology/?utm_source=mail")
    assert not is_cached("/cancer-immunology/?page=99")
    assert not is_cached("/cancer-immunology/")


def test_parameter_order_does_not_matter(client, site):
    prime(client, ["/cancer-immunology/?type=news&page=2"])
    assert is_cached("/cancer-immunology/?page=2&type=news")


def test_responses_that_set_cookies_or_vary_on_other_headers_are_not_stored(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    request = rf.get("/")
    request.user = AnonymousUser()
    plain = HttpResponse("ok")
    assert cache.cacheable(request, plain)
    with_cookie = HttpResponse("ok")
    with_cookie.set_cookie("tracking", "1")
    varies = HttpResponse("ok")
    varies["Vary"] = "Accept-Language"
    private = HttpResponse("ok")
    private["Cache-Control"] = "private"
    assert not any(cache.cacheable(request, r) for r in (with_cookie, varies, private))


def test_session_cookie_bypasses_the_cache(client, site):
    prime(client, ["/cancer-immunology/"])
    meta = RequestFactory().get("/cancer-immunology/", HTTP_COOKIE="sessionid=abc").META
    assert cache.lookup(meta) is None


def test_wsgi_fast_path_answers_hits_with_the_stored_response(client, site):
    stored = client.get("/cancer-immunology/")
    calls = []

    def django_app(environ, start_response):
        calls.append(environ["PATH_INFO"])
        start_response("200 OK", [])
        return [b"rendered by django"]

    app = PageCacheApplication(django_app)
    assert app.enabled
    seen = {}
    body = app(RequestFactory().get("/cancer-immunology/").META, lambda status, headers: seen.update(status=status, headers=dict(headers)))
    assert b"".join(body) == stored.content and calls == []
    assert seen["status"] == "200 OK" and seen["headers"]["Content-Security-Policy"] == stored["Content-Security-Policy"]
    miss = app(RequestFactory().get("/cell-therapy/").META, lambda *a: None)
    assert b"".join(miss) == b"rendered by django" and calls == ["/cell-therapy/"]


def test_processes_sharing_a_generation_file_see_each_others_purges(client, site, settings, tmp_path):
    # What `epitope serve` runs with: each server process keeps its own copy of the stored pages
    # and tag versions, and trusts them only while the generation file is unchanged.
    settings.EPITOPE_PAGE_CACHE_GENERATION_FILE = str(tmp_path / "generation")
    cache.clear()
    prime(client, ["/cell-therapy/", "/cancer-vaccines/"])
    assert client.get("/cell-therapy/")["X-Epitope-Cache"] == "hit"
    # Another process publishes: it writes the shared store and the generation file, not our memory.
    cache.store().set_many({"epitope:tag:listing:%d" % site["cell"].pk: "from-another-process"}, timeout=None)
    (tmp_path / "generation").write_text("another process was here")
    assert not is_cached("/cell-therapy/")
    assert is_cached("/cancer-vaccines/")
    f.article(site["index"], "Seen everywhere", [site["vaccines"]], hero=False)
    assert not is_cached("/cancer-vaccines/")


def test_editing_an_image_updates_the_cards_and_pages_showing_it(client, site):
    article = f.article(site["index"], "Pictured", [site["vaccines"]], alt="Old alt text")
    prime(client, ["/cancer-vaccines/", "/cell-therapy/", article.url])
    assert 'alt="Old alt text"' in client.get("/cancer-vaccines/").content.decode()
    image = article.hero_image
    image.description = "New alt text"
    image.save()
    assert not is_cached("/cancer-vaccines/") and not is_cached(article.url) and is_cached("/cell-therapy/")
    for path in ("/cancer-vaccines/", article.url):  # the card and the article's hero picture
        html = client.get(path).content.decode()
        assert 'alt="New alt text"' in html and "Old alt text" not in html, path


def test_purge_pages_command_forgets_every_page(client, site):
    from django.core.management import call_command

    prime(client, ["/", "/cancer-vaccines/"])
    call_command("purge-pages", verbosity=0)
    assert not is_cached("/") and not is_cached("/cancer-vaccines/")


def test_memo_keeps_a_value_until_one_of_its_tags_is_bumped():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cache.memo("test-memo", ["topics", "sites"], compute) == 1
    assert cache.memo("test-memo", ["topics", "sites"], compute) == 1
    cache.bump({"latest"})  # another tag: still kept
    assert cache.memo("test-memo", ["topics", "sites"], compute) == 1
    cache.bump({"sites"})
    assert cache.memo("test-memo", ["topics", "sites"], compute) == 2


def test_file_cache_stays_near_its_size_while_counting_the_folder_rarely(tmp_path):
    from epitope.pagecache.filecache import FileCache

    store = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 30, "CULL_FREQUENCY": 3}})
    for n in range(300):
        store.set(f"key-{n}", n)
    assert len(list(tmp_path.glob("*.djcache"))) <= 30 + FileCache.CULL_EVERY
    assert store.get("key-299") == 299
