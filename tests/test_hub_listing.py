import datetime

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from epitope.articles.models import ArticlePage
from tests import factories as f

pytestmark = pytest.mark.django_db


def titles(response):
    return [a.title for a in response.context["cards"]]


def test_hub_lists_articles_newest_first_with_heading(client):
    site = f.hub_site()
    f.article(site["index"], "Older", [site["cancer"]], date=datetime.date(2026, 1, 1))
    f.article(site["index"], "Newer", [site["cancer"]], date=datetime.date(2026, 5, 1))
    response = client.get("/cancer-immunology/")
    assert response.status_code == 200
    assert "Cancer Immunology – News and Features" in response.content.decode()
    assert titles(response) == ["Newer", "Older"]


def test_parent_hub_lists_children_articles_and_article_sits_in_several_hubs(client):
    site = f.hub_site()
    f.article(site["index"], "CAR-T trial", [site["cell"], site["vaccines"]])
    f.article(site["index"], "Unrelated", [])
    assert titles(client.get("/cancer-immunology/")) == ["CAR-T trial"]
    assert titles(client.get("/immunology/")) == ["CAR-T trial"]
    assert titles(client.get("/cell-therapy/")) == ["CAR-T trial"]


def test_unpublished_articles_are_not_listed(client):
    site = f.hub_site()
    f.article(site["index"], "Draft", [site["cancer"]], publish=False)
    assert titles(client.get("/cancer-immunology/")) == []


def test_type_filter_and_paging(client):
    site = f.hub_site()
    for n in range(14):
        f.article(site["index"], f"News {n}", [site["cancer"]], date=datetime.date(2026, 1, n + 1), hero=False)
    f.article(site["index"], "A feature", [site["cancer"]], article_type="feature", hero=False)
    first = client.get("/cancer-immunology/?type=news")
    assert len(titles(first)) == 12 and titles(first)[0] == "News 13"
    second = client.get("/cancer-immunology/?type=news&page=2")
    assert titles(second) == ["News 1", "News 0"]
    assert titles(client.get("/cancer-immunology/?type=feature")) == ["A feature"]
    assert 'rel="next"' in first.content.decode()


def test_page_count_follows_publishing_and_unpublishing(client):
    # The number of cards is kept between requests until the hub's listing changes.
    site = f.hub_site()
    for n in range(12):
        f.article(site["index"], f"News {n}", [site["cell"]], date=datetime.date(2026, 1, n + 1), hero=False)
    html = client.get("/cancer-immunology/").content.decode()
    assert 'rel="next"' not in html and client.get("/cancer-immunology/?page=2").status_code == 404
    extra = f.article(site["index"], "The thirteenth", [site["cell"]], date=datetime.date(2026, 2, 1), hero=False)
    html = client.get("/cancer-immunology/").content.decode()
    assert "Page 1 of 2" in html and 'rel="next"' in html
    assert titles(client.get("/cancer-immunology/?page=2")) == ["News 0"]
    ArticlePage.objects.get(pk=extra.pk).unpublish()
    assert "Page 1 of 2" not in client.get("/cancer-immunology/").content.decode()
    assert client.get("/cancer-immunology/?page=2").status_code == 404


@pytest.mark.parametrize("query", ["?page=99", "?type=opinion", "?page=0", "?page=-1"])
def test_unknown_page_or_type_is_404_not_500(client, query):
    site = f.hub_site()
    f.article(site["index"], "Only", [site["cancer"]], hero=False)
    assert client.get("/cancer-immunology/" + query).status_code == 404


def test_non_numeric_page_gives_first_page(client):
    site = f.hub_site()
    f.article(site["index"], "Only", [site["cancer"]], hero=False)
    response = client.get("/cancer-immunology/?page=abc")
    assert response.status_code == 200 and titles(response) == ["Only"]


def test_card_shows_image_with_alt_text_and_responsive_sources(client):
    site = f.hub_site()
    f.article(site["index"], "Imaged", [site["cancer"]], alt="T cells attacking a lymphoma cell")
    html = client.get("/cancer-immunology/").content.decode()
    assert 'alt="T cells attacking a lymphoma cell"' in html
    assert 'type="image/avif"' in html and 'type="image/webp"' in html
    assert 'width="' in html and 'height="' in html


def _hub_queries(client):
    client.get("/cancer-immunology/")  # warm renditions and caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/cancer-immunology/").status_code == 200
    rendition_queries = [q for q in ctx.captured_queries if "epitoperendition" in q["sql"]]
    assert rendition_queries == [], "card pictures come from the fragment cache, no rendition is regenerated"
    return len(ctx.captured_queries)


def test_hub_query_count_does_not_grow_with_articles(client):
    site = f.hub_site()
    for n in range(12):
        f.article(site["index"], f"Story {n}", [site["cancer"]], date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    with_12 = _hub_queries(client)
    hero = site["index"].get_children().specific().first().hero_image
    from epitope.articles.models import ArticlePage

    for n in range(288):
        page = ArticlePage(title=f"More {n}", standfirst="More.", hero_image=hero, date=datetime.date(2025, 1, 1))
        site["index"].add_child(instance=page)
        page.topics.set([site["cell"]])
    with_300 = _hub_queries(client)
    assert ArticlePage.objects.live().count() == 300
    assert with_300 == with_12, f"{with_12} queries with 12 articles, {with_300} with 300"


def test_cards_escape_what_editors_type_and_show_no_picture_without_an_image(client):
    site = f.hub_site()
    f.article(site["index"], "T cells <b>&</b> tumours", [site["cancer"]], hero=False,
              standfirst='A "quoted" <script>x</script> standfirst', date=datetime.date(2026, 3, 7))
    html = client.get("/cancer-immunology/").content.decode()
    card = html.split('<article class="card">')[1].split("</article>")[0]
    shown = lxml.html.fragment_fromstring(card, create_parent="article")
    assert shown.xpath('.//h2[@class="card-title"]/a')[0].text_content() == "T cells <b>&</b> tumours"
    assert shown.xpath('.//p[@class="card-standfirst"]')[0].text_content() == 'A "quoted" <script>x</script> standfirst'
    assert not shown.xpath(".//b | .//script")
    assert '<time datetime="2026-03-07">7 March 2026</time>' in card
    assert "<picture" not in card and 'class="card-type">News<' in card


def test_first_card_picture_loads_eagerly_and_the_others_lazily(client):
    site = f.hub_site()
    for n in range(3):
        f.article(site["index"], f"Pictured {n}", [site["cancer"]], date=datetime.date(2026, 1, n + 1))
    for _ in range(2):  # rendered, then from the fragment cache
        cards = client.get("/cancer-immunology/").content.decode().split('<article class="card">')[1:]
        assert 'fetchpriority="high"' in cards[0] and 'loading="lazy"' not in cards[0]
        assert all('loading="lazy"' in card and "fetchpriority" not in card for card in cards[1:])


def test_subtopic_links_and_breadcrumbs_follow_hub_and_topic_changes(client):
    from epitope.core.site_setup import ensure_hub

    site = f.hub_site()
    story = f.article(site["index"], "Vaccine story", [site["vaccines"]], hero=False)

    def subtopics():
        html = client.get("/cancer-immunology/").content.decode()
        return html.split('aria-label="Subtopics"')[1].split("</nav>")[0] if 'aria-label="Subtopics"' in html else ""

    assert 'href="/cell-therapy/">Cell therapy<' in subtopics() and "Cancer vaccines" not in subtopics()
    crumbs = client.get(story.url).content.decode().split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    assert "Cancer vaccines" not in crumbs

    ensure_hub(site["home"], site["vaccines"])  # a new hub shows at once, in name order
    assert subtopics().index("Cancer vaccines") < subtopics().index("Cell therapy")
    crumbs = client.get(story.url).content.decode().split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    assert 'href="/cancer-vaccines/"' in crumbs

    site["cell"].name = "Cellular therapy"
    site["cell"].save()
    assert ">Cellular therapy<" in subtopics()
    site["cell_hub"].unpublish()
    assert "Cellular therapy" not in subtopics()


def main_nav(client, path):
    html = client.get(path).content.decode()
    return html.split('<nav aria-label="Main">')[1].split("</nav>")[0]


def test_main_navigation_lists_the_live_hubs_and_marks_the_page_shown(client):
    site = f.hub_site()
    hub = site["cell_hub"]
    hub.title = "Cell therapy & CAR-T"
    hub.save_revision().publish()
    nav = main_nav(client, "/cell-therapy/")
    assert '<a href="/cell-therapy/" aria-current="page">Cell therapy &amp; CAR-T</a>' in nav
    assert '<a href="/cancer-immunology/">' in nav and '<a href="/">Home</a>' in nav
    assert nav.count('aria-current="page"') == 1
    assert '<a href="/articles/" aria-current="page">All stories</a>' in main_nav(client, "/articles/")
    hub.unpublish()
    nav = main_nav(client, "/cancer-immunology/")
    assert "/cell-therapy/" not in nav
    assert '<a href="/cancer-immunology/" aria-current="page">' in nav
