import datetime
import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from epitope.articles.models import ArticlePage
from tests import factories as f

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
IMAGE = "{http://www.google.com/schemas/sitemap-image/1.1}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture
def site():
    site = f.hub_site()
    site["story"] = f.article(
        site["index"], "CAR-T cells clear </script><script>alert(1)</script> lymphoma", [site["cell"], site["vaccines"]],
        alt="T cells attacking a lymphoma cell", byline="By Ada Lovelace", date=timezone.localdate(),
        standfirst="A CAR-T therapy cleared lymphoma in most patients.",
    )
    site["old"] = f.article(site["index"], "An older story", [site["cancer"]], hero=False, date=datetime.date(2020, 1, 1))
    return site


def soup(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def jsonld(html):
    scripts = html.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def meta(html, key):
    tag = html.find("meta", attrs={"property": key}) or html.find("meta", attrs={"name": key})
    return tag and tag["content"]


def test_article_has_news_article_json_ld(client, site):
    page = site["story"]
    html = soup(client, page.url)
    data = jsonld(html)
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == page.title
    assert data["description"] == page.standfirst
    assert data["author"] == [{"@type": "Person", "name": "Ada Lovelace"}]
    assert data["publisher"]["name"] == "Epitope"
    assert data["datePublished"].startswith(timezone.localdate().isoformat())
    assert datetime.datetime.fromisoformat(data["dateModified"]) >= datetime.datetime.fromisoformat(data["datePublished"])
    assert data["image"][0]["url"].startswith("http://localhost/media/images/")  # the Site, not the Host
    assert data["mainEntityOfPage"]["@id"] == data["url"] == "http://localhost/articles/" + page.slug + "/"
    assert sorted(t["name"] for t in data["about"] if t["@type"] == "Thing") == ["Cancer vaccines", "Cell therapy"]
    assert {t.get("url") for t in data["about"]} >= {"http://localhost/cell-therapy/"}


def test_json_ld_cannot_break_out_of_its_script(client, site):
    body = client.get(site["story"].url).content.decode()
    script = body.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script and "\\u003c/script\\u003e" in script


def test_article_without_byline_is_by_the_publisher(client, site):
    assert jsonld(soup(client, site["old"].url))["author"] == [{"@type": "Organization", "name": "Epitope"}]
    assert "image" not in jsonld(soup(client, site["old"].url))


def test_open_graph_and_twitter_cards(client, site):
    page = site["story"]
    html = soup(client, page.url)
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title") == page.title
    assert meta(html, "og:description") == page.standfirst
    assert meta(html, "og:url") == html.find("link", rel="canonical")["href"]
    assert meta(html, "og:image").endswith(".jpg") and meta(html, "og:image:alt") == "T cells attacking a lymphoma cell"
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "twitter:image") == meta(html, "og:image")
    assert {t["content"] for t in html.find_all("meta", property="article:tag")} == {"Cell therapy", "Cancer vaccines"}
    old = soup(client, site["old"].url)
    assert meta(old, "twitter:card") == "summary" and meta(old, "og:image") is None


def test_hub_page_is_a_website_card_without_json_ld(client, site):
    html = soup(client, "/cancer-immunology/")
    assert meta(html, "og:type") == "website"
    assert meta(html, "og:title") == "Cancer Immunology – News and Features"
    assert not html.find_all("script", type="application/ld+json")
    assert html.find("link", rel="canonical")["href"] == "http://localhost/cancer-immunology/"


def test_sitemap_lists_live_pages_with_images(client, site):
    f.article(site["index"], "Draft story", [site["cancer"]], publish=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    urls = {u.find(f"{SM}loc").text: u for u in root.findall(f"{SM}url")}
    story = urls["http://localhost/articles/" + site["story"].slug + "/"]
    assert story.find(f"{IMAGE}image/{IMAGE}loc").text.endswith(".jpg")
    assert story.find(f"{SM}lastmod") is not None
    assert urls["http://localhost/articles/an-older-story/"].find(f"{IMAGE}image") is None
    assert "http://localhost/cancer-immunology/" in urls and "http://localhost/" in urls
    assert not any("draft-story" in loc for loc in urls)


def test_news_sitemap_has_only_the_last_48_hours(client, site):
    ArticlePage.objects.filter(pk=site["old"].pk).update(first_published_at=timezone.now() - datetime.timedelta(days=3))
    response = client.get("/news-sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    entries = root.findall(f"{SM}url")
    assert [e.find(f"{SM}loc").text for e in entries] == ["http://localhost/articles/" + site["story"].slug + "/"]
    news = entries[0].find(f"{NEWS}news")
    assert news.find(f"{NEWS}publication/{NEWS}name").text == "Epitope"
    assert news.find(f"{NEWS}publication/{NEWS}language").text == "en"
    assert news.find(f"{NEWS}title").text == site["story"].title
    published = datetime.datetime.fromisoformat(news.find(f"{NEWS}publication_date").text)
    assert timezone.now() - published < datetime.timedelta(hours=48)


def test_robots_txt(client, site):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines and "Disallow: /admin/" in lines and "Disallow: /search/" in lines
    # The Site's address, as in the sitemap itself, whatever Host the request named
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    assert "Sitemap: http://localhost/news-sitemap.xml" in lines


def test_search_page_is_not_indexed(client, site):
    html = soup(client, "/search/?q=lymphoma")
    assert meta(html, "robots") == "noindex, follow"


def test_json_ld_about_includes_classification_terms(client, site):
    about = jsonld(soup(client, site["story"].url))["about"]
    terms = {t["termCode"]: t["name"] for t in about if t["@type"] == "DefinedTerm"}
    assert terms.get("car-t") == "CAR-T" and terms.get("lymphoma") == "Lymphoma"


def test_share_image_follows_an_edit_of_the_image(client, site):
    """The share image's facts are kept per process; editing the image must show at once."""
    page = site["story"]
    first = soup(client, page.url)
    image = page.hero_image
    image.description = "A CAR-T cell binding a lymphoma cell"
    image.save()
    second = soup(client, page.url)
    assert meta(second, "og:image:alt") == "A CAR-T cell binding a lymphoma cell"
    assert jsonld(second)["image"][0]["url"] == meta(first, "og:image")
    # Any Host asking gets the Site's own address, never the Host it named.
    assert meta(first, "og:image").startswith("http://localhost/")
    other = BeautifulSoup(client.get(page.url, HTTP_HOST="127.0.0.1").content, "html.parser")
    assert meta(other, "og:image") == meta(second, "og:image")


def test_article_topics_follow_an_edit_of_the_article(client, site):
    page = ArticlePage.objects.get(pk=site["story"].pk)
    html = soup(client, page.url)
    assert {t["content"] for t in html.find_all("meta", property="article:tag")} == {"Cell therapy", "Cancer vaccines"}
    page.topics.set([site["cancer"]])
    page.save_revision().publish()
    html = soup(client, page.url)
    assert {t["content"] for t in html.find_all("meta", property="article:tag")} == {"Cancer immunology"}
    assert [a.get_text() for a in html.select(".topics a")] == ["Cancer immunology"]
