"""What editors and outside sources type reaches the reader as text: the templates' autoescape.

Cards, share tags, research items and the leads inbox are Jinja2 macros (templates/jinja2/);
each hostile value below must come out as the very text typed, never as markup.
"""

import datetime
import json

import lxml.html
import pytest

from epitope.ingest.pipeline import ingest_records
from epitope.ingest.records import Record
from tests import factories as f

pytestmark = pytest.mark.django_db

HOSTILE = '<img src=x onerror="alert(1)"> & \'co\''
HOSTILE_ALT = '"><script>alert("alt")</script>'


def parsed(response):
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def no_injected_markup(doc):
    assert not doc.xpath("//*[@onerror]")
    assert not [s for s in doc.xpath('//script[not(@type="application/ld+json")]') if "alert" in (s.text or "")]
    for data in doc.xpath('//script[@type="application/ld+json"]'):  # one JSON value, not cut short
        json.loads(data.text)


def test_a_hostile_headline_standfirst_and_alt_text_are_shown_as_text_on_the_hub(client):
    site = f.hub_site()
    f.article(site["index"], HOSTILE, [site["cancer"]], standfirst=HOSTILE, alt=HOSTILE_ALT)
    doc = parsed(client.get("/cancer-immunology/"))
    card = doc.xpath('//article[@class="card"]')[0]
    assert card.xpath('.//h2[@class="card-title"]/a')[0].text_content() == HOSTILE
    assert card.xpath('.//p[@class="card-standfirst"]')[0].text_content() == HOSTILE
    assert card.xpath(".//img/@alt") == [HOSTILE_ALT]
    no_injected_markup(doc)


def test_a_hostile_headline_is_text_in_the_article_s_share_tags_and_navigation(client):
    site = f.hub_site()
    site["cancer_hub"].title = HOSTILE
    site["cancer_hub"].save_revision().publish()
    article = f.article(site["index"], HOSTILE, [site["cancer"]], standfirst=HOSTILE, alt=HOSTILE_ALT)
    doc = parsed(client.get(article.url))
    assert doc.xpath('//meta[@property="og:title"]/@content') == [HOSTILE]
    assert doc.xpath('//meta[@name="twitter:image:alt"]/@content') == [HOSTILE_ALT]
    assert HOSTILE in [a.text_content() for a in doc.xpath('//nav[@aria-label="Main"]//a')]
    assert json.loads(doc.xpath('//script[@type="application/ld+json"]')[0].text)["headline"] == HOSTILE
    no_injected_markup(doc)


def test_a_hostile_research_title_from_a_feed_is_text_on_the_hub_and_in_the_leads_inbox(client, admin_client):
    from epitope.ingest.models import Source

    site = f.hub_site()
    feed = Source.objects.create(name=HOSTILE, kind="rss", url="https://example.org/feed.xml", topic=site["cancer"],
                                 public=True)
    ingest_records(feed, [Record(
        title="CD19 CAR-T cells in children with leukaemia " + HOSTILE, kind="paper",
        summary="In a phase 2 trial, 30 children with B-cell acute lymphoblastic leukaemia received CD19 CAR-T cells.",
        link="https://example.org/paper/1", identifiers={"doi": "10.5555/x<y>"},
        published=datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC))])
    f.article(site["index"], "A hub story", [site["cancer"]], hero=False)

    doc = parsed(client.get("/cancer-immunology/research/"))
    item = doc.xpath('//li[@class="research-item"]')[0]
    assert item.xpath('.//p[@class="research-title"]')[0].text_content().endswith(HOSTILE)
    assert HOSTILE in item.xpath('.//p[@class="research-meta"]')[0].text_content()
    no_injected_markup(doc)

    inbox = parsed(admin_client.get("/admin/leads/"))
    line = inbox.xpath('//ul[@class="lead-items"]/li')[0].text_content()
    assert HOSTILE in line and "DOI 10.5555/x<y>" in line
    no_injected_markup(inbox)
