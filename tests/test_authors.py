"""Author pages: /authors/, each author's page with their stories and feeds, bylines that link them."""

import datetime
import importlib
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.apps import apps
from django.utils.html import escape
from wagtail.models import Page

from epitope.articles.models import ArticleAuthor, ArticlePage, AuthorPage
from epitope.core.site_setup import ensure_author_index
from tests import factories as f
from tests.page_cache_support import cdn, is_cached, purged  # noqa: F401 - cdn is a fixture

pytestmark = pytest.mark.django_db

bylines = importlib.import_module("epitope.articles.migrations.0005_bylines_to_authors")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site():
    site = f.hub_site()
    site["authors"] = ensure_author_index(site["home"])
    site["ada"] = f.author(site["authors"], "Ada Lovelace", role="Senior reporter", bio="<p>Ada <b>covers</b> CAR-T.</p>",
                           photo_alt="Ada Lovelace, smiling, in a lab coat")
    site["alan"] = f.author(site["authors"], "Alan Turing", role="Data editor", photo_alt=None)
    return site


def _jsonld(html):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def test_author_index_lists_every_author_with_photo_alt_text_and_role(client, site):
    response = client.get("/authors/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index('href="/authors/ada-lovelace/"') < html.index('href="/authors/alan-turing/"')
    assert 'alt="Ada Lovelace, smiling, in a lab coat"' in html and "Senior reporter" in html and "Data editor" in html


def test_author_page_shows_bio_photo_and_their_stories_newest_first_on_pages(client, site):
    for n in range(14):
        story = f.article(site["index"], f"Ada story {n}", [site["cell"]], date=datetime.date(2026, 1, n + 1), hero=False)
        f.by(story, site["ada"])
    f.by(f.article(site["index"], "Alan's story", [site["cell"]], hero=False), site["alan"])

    response = client.get("/authors/ada-lovelace/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Ada Lovelace</h1>" in html and "Ada <b>covers</b> CAR-T." in html and "Senior reporter" in html
    assert 'alt="Ada Lovelace, smiling, in a lab coat"' in html
    assert [card.title for card in response.context["cards"]] == [f"Ada story {n}" for n in range(13, 1, -1)]
    assert "Alan&#x27;s story" not in html and "Alan's story" not in html
    assert 'href="?page=2"' in html
    second = client.get("/authors/ada-lovelace/?page=2")
    assert [card.title for card in second.context["cards"]] == ["Ada story 1", "Ada story 0"]
    assert client.get("/authors/ada-lovelace/?page=3").status_code == 404
    for kind in ("rss", "atom", "json"):  # visible and <link rel="alternate">
        assert html.count(f'href="/authors/ada-lovelace/feed/{kind}/"') == 2


def test_author_without_stories_or_photo_still_has_a_page(client, site):
    html = client.get("/authors/alan-turing/").content.decode()
    assert "No stories yet." in html and "<img" not in html.split("<main")[1]


def test_author_feeds_are_valid_and_list_their_stories_newest_first(client, site):
    f.by(f.article(site["index"], "Older & wiser", [site["cell"]], date=datetime.date(2026, 2, 1)), site["ada"])
    f.by(f.article(site["index"], "Newer", [site["cell"]], date=datetime.date(2026, 3, 1), hero=False), site["ada"], site["alan"])
    f.article(site["index"], "Nobody's", [site["cell"]], hero=False, byline="By Grace Hopper")

    rss = client.get("/authors/ada-lovelace/feed/rss/")
    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(rss.content).find("channel")
    assert channel.findtext("title") == "Stories by Ada Lovelace | Epitope"
    assert channel.findtext("link") == "http://localhost/authors/ada-lovelace/"
    assert [item.findtext("title") for item in channel.findall("item")] == ["Newer", "Older & wiser"]
    assert channel.find("item").findtext("{http://purl.org/dc/elements/1.1/}creator") == "Ada Lovelace, Alan Turing"

    atom = ET.fromstring(client.get("/authors/ada-lovelace/feed/atom/").content)
    entry = atom.findall(f"{ATOM}entry")[1]
    assert entry.findtext(f"{ATOM}title") == "Older & wiser"
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}uri") == "http://localhost/authors/ada-lovelace/"
    assert atom.findtext(f"{ATOM}title") == "Stories by Ada Lovelace | Epitope"

    data = json.loads(client.get("/authors/alan-turing/feed/json/").content)
    assert [item["title"] for item in data["items"]] == ["Newer"]
    assert data["items"][0]["authors"] == [{"name": "Ada Lovelace"}, {"name": "Alan Turing"}]
    assert client.get("/authors/nobody/feed/rss/").status_code == 404


def test_byline_links_each_author_in_order_and_json_ld_names_them_as_people_with_pages(client, site):
    story = f.by(f.article(site["index"], "Two authors", [site["cell"]], byline="By Someone Else"), site["alan"], site["ada"])
    html = client.get(story.url).content.decode()
    byline = html.split('class="byline"')[1].split("</p>")[0]
    assert re.search(r'By <a href="/authors/alan-turing/" rel="author">Alan Turing</a> and '
                     r'<a href="/authors/ada-lovelace/" rel="author">Ada Lovelace</a>', byline)
    assert "Someone Else" not in html  # the byline text is the fall-back only
    assert _jsonld(html)["author"] == [
        {"@type": "Person", "name": "Alan Turing", "url": "http://localhost/authors/alan-turing/"},
        {"@type": "Person", "name": "Ada Lovelace", "url": "http://localhost/authors/ada-lovelace/"},
    ]


def test_story_without_author_records_keeps_its_byline_text(client, site):
    story = f.article(site["index"], "Old style", [site["cell"]], byline="By Grace Hopper")
    html = client.get(story.url).content.decode()
    assert "<span>By Grace Hopper</span>" in html
    assert _jsonld(html)["author"] == [{"@type": "Person", "name": "Grace Hopper"}]


def test_an_unpublished_author_is_left_out_of_the_byline(client, site):
    story = f.by(f.article(site["index"], "Shared", [site["cell"]], hero=False), site["ada"], site["alan"])
    site["alan"].unpublish()
    html = client.get(story.url).content.decode()
    assert "/authors/ada-lovelace/" in html and "/authors/alan-turing/" not in html


def test_publishing_a_story_purges_its_authors_page(client, site, page_cache):
    f.by(f.article(site["index"], "First", [site["cell"]], hero=False), site["ada"])
    client.get("/authors/ada-lovelace/")
    assert is_cached("/authors/ada-lovelace/")
    new = f.article(site["index"], "Second by Ada", [site["cell"]], hero=False, publish=False)
    new.authors = [ArticleAuthor(author=site["ada"])]
    new.save_revision().publish()
    assert not is_cached("/authors/ada-lovelace/")
    assert "Second by Ada" in client.get("/authors/ada-lovelace/").content.decode()


def test_renaming_an_author_purges_the_stories_that_name_them(client, site, page_cache):
    story = f.by(f.article(site["index"], "Named", [site["cell"]], hero=False), site["ada"])
    assert "Ada Lovelace" in client.get(story.url).content.decode() and is_cached(story.url)
    ada = AuthorPage.objects.get(pk=site["ada"].pk)
    ada.title = "Ada King"
    ada.save_revision().publish()
    assert "Ada King" in client.get(story.url).content.decode()


def test_editing_an_authors_photo_purges_their_page(client, site, page_cache):
    client.get("/authors/ada-lovelace/")
    photo = site["ada"].photo
    photo.description = "Ada Lovelace at her desk"
    photo.save()
    assert 'alt="Ada Lovelace at her desk"' in client.get("/authors/ada-lovelace/").content.decode()


def test_admin_refuses_to_publish_an_author_page_whose_photo_lacks_alt_text(admin_client, site):
    bare = f.image(alt="")
    data = {"title": "Grace Hopper", "slug": "grace-hopper", "role": "", "photo": bare.pk, "bio": "null",
            "action-publish": "Publish"}
    response = admin_client.post(f"/admin/pages/add/articles/authorpage/{site['authors'].pk}/", data)
    assert response.status_code == 200
    assert "has no alt text" in response.content.decode()
    assert not AuthorPage.objects.filter(slug="grace-hopper").exists()


@pytest.mark.parametrize("byline, names", [
    ("By Ada Lovelace", ["Ada Lovelace"]),
    ("By Ada Lovelace and Alan Turing", ["Ada Lovelace", "Alan Turing"]),
    ("by Tomás Reyes, Hana Kowalczyk & Ludwig van Beethoven", ["Tomás Reyes", "Hana Kowalczyk", "Ludwig van Beethoven"]),
    ("By Epitope staff", []),
    ("Reuters", []),
    ("By Ada Lovelace and our science desk", []),
    ("", []),
])
def test_byline_migration_takes_only_bylines_that_clearly_name_people(byline, names):
    assert bylines.names_in(byline) == names


def test_byline_migration_makes_one_author_page_per_person_and_links_stories_in_byline_order(client):
    site = f.hub_site()
    both = f.article(site["index"], "Both", [site["cell"]], hero=False, byline="By Ada Lovelace and Alan Turing")
    one = f.article(site["index"], "One", [site["cell"]], hero=False, byline="By Alan Turing")
    staff = f.article(site["index"], "Staff", [site["cell"]], hero=False, byline="By Epitope staff")

    bylines.bylines_to_authors(apps, None)
    bylines.bylines_to_authors(apps, None)  # a second run finds every story linked already

    assert sorted(AuthorPage.objects.values_list("title", flat=True)) == ["Ada Lovelace", "Alan Turing"]
    assert [a.title for a in ArticlePage.objects.get(pk=both.pk).listed_authors()] == ["Ada Lovelace", "Alan Turing"]
    assert [a.title for a in ArticlePage.objects.get(pk=one.pk).listed_authors()] == ["Alan Turing"]
    assert ArticlePage.objects.get(pk=staff.pk).listed_authors() == []
    assert ArticlePage.objects.get(pk=staff.pk).byline == "By Epitope staff"
    assert all(not problems for problems in Page.find_problems())  # hand-made paths, depths, child counts agree
    assert client.get("/authors/").status_code == 200
    html = client.get("/authors/alan-turing/").content.decode()
    assert "Both" in html and "One" in html
    assert f'href="/authors/ada-lovelace/"' in client.get(both.url).content.decode()
    assert escape("Ada Lovelace") in client.get("/authors/").content.decode()


def test_admin_refuses_an_article_naming_the_same_author_twice(admin_client, site):
    from tests.test_articles import _edit_post_data

    story = f.article(site["index"], "Twice", [], hero=False)
    data = _edit_post_data(story, **{
        "authors-TOTAL_FORMS": "2", "authors-0-author": site["ada"].pk, "authors-0-ORDER": "1",
        "authors-1-author": site["ada"].pk, "authors-1-ORDER": "2", "action-publish": "Publish",
    })
    response = admin_client.post(f"/admin/pages/{story.pk}/edit/", data)
    assert response.status_code == 200
    assert "duplicate data for page and author" in response.content.decode()  # the formset checks the constraint
    data.update({"authors-1-author": site["alan"].pk})
    assert admin_client.post(f"/admin/pages/{story.pk}/edit/", data).status_code == 302
    assert [a.title for a in ArticlePage.objects.get(pk=story.pk).listed_authors()] == ["Ada Lovelace", "Alan Turing"]


def test_publishing_a_story_purges_its_authors_page_and_feeds_from_the_cdn(cdn, site):
    story = f.article(site["index"], "By Ada", [site["cell"]], hero=False, publish=False)
    story.authors = [ArticleAuthor(author=site["ada"])]
    cdn.clear_log()
    story.save_revision().publish()
    urls = purged(cdn)
    base = "http://localhost/authors/ada-lovelace/"
    assert {base, f"{base}?page=1", f"{base}feed/rss/", f"{base}feed/atom/", f"{base}feed/json/"} <= urls
    assert not any("/authors/alan-turing/" in url for url in urls)
