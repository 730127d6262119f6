"""What a hub's HTML puts first (issue 26): a lead story on the first page, feeds as links, filters folded.

The browser checks of the same (positions, both screen sizes, axe) are in test_layout_browser.py.
"""

import datetime

import lxml.html
import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    site = f.hub_site()
    for n in range(14):
        f.article(site["index"], f"Story {n}", [site["cell"]], date=datetime.date(2026, 10, 1) + datetime.timedelta(days=n),
                  standfirst="A phase 1 trial gave CD19 CAR-T cells to patients with lymphoma.", hero=n in (1, 12, 13))
    return site


def listing(client, path):
    doc = lxml.html.fromstring(client.get(path).content.decode())
    (cards,) = doc.xpath('//div[contains(concat(" ", @class, " "), " cards ")]')
    return cards


@pytest.mark.parametrize("path", ["/cancer-immunology/", "/articles/", "/"])
def test_the_newest_story_leads_the_first_page_with_a_picture_sized_for_two_columns(client, site, path):
    cards = listing(client, path)
    assert "cards-lead" in cards.get("class").split()
    first, second = cards.xpath("./article")[:2]
    assert first.xpath('.//*[@class="card-title"]/a')[0].text_content() == "Story 13"
    assert first.xpath(".//img/@sizes") == ["(min-width: 960px) 600px, 100vw"]
    assert first.xpath(".//img/@fetchpriority") == ["high"]
    assert second.xpath(".//img/@sizes") == ["(min-width: 960px) 400px, 100vw"]


def test_a_later_page_has_no_lead_story(client, site):
    cards = listing(client, "/cancer-immunology/?page=2")
    assert "cards-lead" not in cards.get("class").split()
    first = cards.xpath("./article")[0]  # Story 1, pictured: an ordinary card, loaded first
    assert first.xpath(".//img/@sizes") == ["(min-width: 960px) 400px, 100vw"]
    assert first.xpath(".//img/@fetchpriority") == ["high"]


def test_hub_links_its_feeds_keeping_the_filters_and_folds_the_facet_options(client, site):
    doc = lxml.html.fromstring(client.get("/cancer-immunology/?modality=car-t").content.decode())
    feeds = doc.xpath('//section[@aria-labelledby="follow-heading"]//a[@class="feed-link"]')
    assert [(a.text_content(), a.get("href")) for a in feeds] == [
        ("RSS feed", "/cancer-immunology/feed/rss/?modality=car-t"),
        ("Atom feed", "/cancer-immunology/feed/atom/?modality=car-t"),
        ("JSON Feed", "/cancer-immunology/feed/json/?modality=car-t"),
    ]
    # The chosen filter is a chip outside the folded options; the options wait inside <details>.
    chip = doc.xpath('//a[@class="facet-chip"]')[0]
    assert chip.get("href") == "?" and not chip.xpath("ancestor::details")
    options = doc.xpath('//nav[@aria-label="Filter stories"]')[0]
    assert options.xpath("ancestor::details[not(@open)]/summary")[0].text_content() == "Filters"
    assert options.xpath('.//a[@aria-current="true"]')[0].get("href") == "?"
