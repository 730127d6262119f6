import datetime
from dataclasses import dataclass
import json
import xml.etree.ElementTree as ET

import fastfeedparser
import feedparser
import pytest

from epitope.articles.models import ArticlePage
from epitope.feeds.items import SHARE_RENDITION
from epitope.topics.models import TopicPage
from tests import factories as f

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site():
    site = f.hub_site()
    idx = site["index"]
    site["car_t"] = f.article(
        idx, "CAR-T cells clear lymphoma", [site["cell"]], alt="T cells attacking a lymphoma cell",
        standfirst="A CAR-T therapy cleared lymphoma in most patients & more.", byline="By Ada Lovelace and Alan Turing",
        date=datetime.date(2026, 3, 1),
    )
    site["vaccine"] = f.article(
        idx, "A vaccine for melanoma", [site["vaccines"], site["cell"]], article_type="feature", hero=False,
        standfirst="A feature on personalised vaccines.", date=datetime.date(2026, 6, 1),
    )
    f.article(idx, "Unrelated", [], hero=False)
    f.article(idx, "Draft", [site["cancer"]], hero=False, publish=False)
    return site


def fetch(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:500]
    return response


@dataclass
class Entry:
    title: str
    link: str
    id: str
    summary: str
    published: datetime.datetime
    author: str
    tags: list
    enclosures: list  # (href, type, length)


@dataclass
class Parsed:
    title: str
    link: str
    entries: list


def parsed(client, url):
    """Parse a feed as a reader would: XML with feedparser, JSON Feed with fastfeedparser."""
    response = fetch(client, url)
    if "json" in response["Content-Type"]:
        return _from_fastfeedparser(fastfeedparser.parse(response.content))
    result = feedparser.parse(response.content)
    assert not result.bozo, result.get("bozo_exception")
    return Parsed(result.feed.title, result.feed.link, [
        Entry(
            e.title, e.link, e.id, e.summary, datetime.datetime(*e.published_parsed[:6]), e.get("author", ""),
            [t.term for t in e.get("tags", [])],
            [(link.href, link.type, link.get("length")) for link in e.links if link.rel == "enclosure"],
        )
        for e in result.entries
    ])


def _from_fastfeedparser(result):
    return Parsed(result.feed.title, result.feed.link, [
        Entry(
            e["title"], e["link"], e["id"], e["description"],
            datetime.datetime.fromisoformat(e["published"]).replace(tzinfo=None), e.get("author", ""),
            [t["term"] for t in e.get("tags", [])],
            [(x["url"], x["type"], x.get("length")) for x in e.get("enclosures", [])],
        )
        for e in result.entries
    ])


@pytest.mark.parametrize("kind", ["rss", "atom", "json"])
def test_feed_lists_hub_articles_newest_first_with_links(client, site, kind):
    feed = parsed(client, f"/cancer-immunology/feed/{kind}/")
    assert [e.title for e in feed.entries] == ["A vaccine for melanoma", "CAR-T cells clear lymphoma"]
    assert feed.entries[1].link == "http://localhost/articles/car-t-cells-clear-lymphoma/"
    assert feed.entries[1].summary.startswith("A CAR-T therapy cleared lymphoma in most patients & more")
    assert feed.title == "Cancer Immunology – News and Features | Epitope"
    assert feed.link == "http://localhost/cancer-immunology/"


@pytest.mark.parametrize("kind", ["rss", "atom", "json"])
def test_items_carry_guid_dates_author_categories_and_image(client, site, kind):
    entry = parsed(client, f"/cancer-immunology/feed/{kind}/").entries[1]
    assert entry.id == f"urn:uuid:{site['car_t'].translation_key}"
    assert entry.published.date() == datetime.date(2026, 3, 1)
    assert "Ada Lovelace" in entry.author
    assert entry.tags == ["Cell therapy"]
    assert len(entry.enclosures) == 1
    image_url, mime_type, length = entry.enclosures[0]
    assert mime_type == "image/jpeg"
    assert image_url.startswith("http://localhost/media/images/") and image_url.endswith(".jpg")
    path = image_url.removeprefix("http://localhost")
    from django.conf import settings

    from epitope.core.models import EpitopeRendition

    rendition = EpitopeRendition.objects.get(file=path.removeprefix(settings.MEDIA_URL))
    assert rendition.filter_spec == SHARE_RENDITION
    assert int(length) == rendition.file.size > 0


def test_rss_guid_is_not_a_permalink_and_media_content_has_alt(client, site):
    body = fetch(client, "/cancer-immunology/feed/rss/").content
    root = ET.fromstring(body)
    assert root.tag == "rss" and root.get("version") == "2.0"
    for name in ("title", "link", "description", "lastBuildDate"):
        assert root.find(f"channel/{name}").text, name
    assert root.find(f"channel/{ATOM}link[@rel='self']") is not None
    item = root.find("channel/item[title='CAR-T cells clear lymphoma']")
    assert item.find("guid").get("isPermaLink") == "false"
    media = item.find("{http://search.yahoo.com/mrss/}content")
    assert media.get("medium") == "image" and media.get("type") == "image/jpeg" and int(media.get("width")) > 0
    assert media.find("{http://search.yahoo.com/mrss/}description").text == "T cells attacking a lymphoma cell"
    assert feedparser.parse(body).entries[1].media_content[0]["url"] == item.find("enclosure").get("url")


def test_guid_is_stable_across_slug_change_and_republish(client, site):
    before = parsed(client, "/cell-therapy/feed/atom/").entries[-1].id
    page = site["car_t"]
    page.slug = "renamed"
    page.save_revision().publish()
    after = parsed(client, "/cell-therapy/feed/atom/").entries[-1]
    assert after.id == before and after.link.endswith("/articles/renamed/")


def test_atom_is_structurally_valid(client, site):
    root = ET.fromstring(fetch(client, "/cancer-immunology/feed/atom/").content)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{name}") is not None, name
    assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith("/cancer-immunology/feed/atom/")
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for name in ("id", "title", "updated", "link", "summary"):
            assert entry.find(f"{ATOM}{name}") is not None, name


def test_json_feed_follows_version_1_1(client, site):
    response = fetch(client, "/cancer-immunology/feed/json/")
    assert response["Content-Type"].startswith("application/feed+json")
    data = json.loads(response.content)
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == "http://localhost/cancer-immunology/feed/json/"  # the Site, as item links
    first, second = data["items"]
    assert second["content_text"] == site["car_t"].standfirst
    assert second["authors"] == [{"name": "Ada Lovelace"}, {"name": "Alan Turing"}]
    assert second["image"].endswith(".jpg") and second["attachments"][0]["mime_type"] == "image/jpeg"
    assert second["date_published"].startswith("2026-03-01T")
    assert "image" not in first and first["tags"] == ["Cancer vaccines", "Cell therapy"] or first["tags"] == [
        "Cell therapy", "Cancer vaccines"]


@pytest.mark.parametrize("kind", ["rss", "atom", "json"])
def test_facet_filter_narrows_feed_and_titles_it(client, site, kind):
    feed = parsed(client, f"/cancer-immunology/feed/{kind}/?type=feature")
    assert [e.title for e in feed.entries] == ["A vaccine for melanoma"]
    assert feed.title == "Cancer Immunology – News and Features – Feature | Epitope"
    assert [e.title for e in parsed(client, f"/cancer-immunology/feed/{kind}/?topic=cancer-vaccines").entries] == [
        "A vaccine for melanoma"
    ]


def test_subtopic_hub_feed_and_empty_hub(client, site):
    assert [e.title for e in parsed(client, "/cell-therapy/feed/rss/").entries] == [
        "A vaccine for melanoma", "CAR-T cells clear lymphoma"]
    f.topic("Lonely")
    from epitope.core.site_setup import ensure_hub
    from epitope.topics.models import Topic

    ensure_hub(site["home"], Topic.objects.get(slug="lonely"))
    assert parsed(client, "/lonely/feed/atom/").entries == []


@pytest.mark.parametrize(
    "url",
    [
        "/no-such-hub/feed/rss/",
        "/articles/feed/rss/",  # a page, but not a hub
        "/cancer-immunology/feed/rdf/",
        "/cancer-immunology/feed/rss/?type=opinion",
        "/cancer-immunology/feed/atom/?topic=nope",
    ],
)
def test_unknown_hub_format_or_facet_value_is_404(client, site, url):
    assert client.get(url).status_code == 404


def test_unknown_parameters_are_ignored(client, site):
    assert len(parsed(client, "/cancer-immunology/feed/atom/?utm_source=x&page=3").entries) == 2


def test_classification_facets_filter_feeds(client, site):
    # Published stories are tagged by the classifier: the CAR-T story carries modality car-t.
    feed = parsed(client, "/cancer-immunology/feed/atom/?modality=car-t")
    assert [e.title for e in feed.entries] == ["CAR-T cells clear lymphoma"]
    assert feed.title == "Cancer Immunology – News and Features – CAR-T | Epitope"
    assert client.get("/cancer-immunology/feed/atom/?modality=no-such-thing").status_code == 404


def test_unpublished_hub_has_no_feed(client, site):
    TopicPage.objects.get(pk=site["cell_hub"].pk).unpublish()
    assert client.get("/cell-therapy/feed/rss/").status_code == 404


@pytest.mark.parametrize("kind", ["rss", "atom", "json"])
def test_conditional_get_gives_304_until_the_feed_changes(client, site, kind):
    url = f"/cancer-immunology/feed/{kind}/"
    first = fetch(client, url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(url + "?type=news", HTTP_IF_NONE_MATCH=etag).status_code == 200
    f.article(site["index"], "Brand new", [site["cancer"]], hero=False, date=datetime.date(2026, 12, 1))
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_unpublishing_an_article_changes_the_etag(client, site):
    url = "/cancer-immunology/feed/rss/"
    etag = fetch(client, url)["ETag"]
    ArticlePage.objects.get(pk=site["vaccine"].pk).unpublish()
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_hub_page_has_autodiscovery_links_keeping_the_filter(client, site):
    html = client.get("/cancer-immunology/?type=feature").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/cancer-immunology/feed/atom/?type=feature"' in html
    assert 'type="application/feed+json"' in html


def test_feed_queries_do_not_grow_with_items(client, site, django_assert_max_num_queries):
    client.get("/cancer-immunology/feed/rss/")  # warm renditions
    for n in range(10):
        f.article(site["index"], f"More {n}", [site["cancer"]])
    client.get("/cancer-immunology/feed/rss/")
    with django_assert_max_num_queries(20):
        fetch(client, "/cancer-immunology/feed/rss/")


def test_head_is_answered_and_post_refused(client, site):
    head = client.head("/cancer-immunology/feed/rss/")
    assert head.status_code == 200 and head["ETag"] and head.content == b""
    assert client.post("/cancer-immunology/feed/rss/").status_code == 405
