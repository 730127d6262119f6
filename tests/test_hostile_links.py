"""Links from ingested data: only absolute http(s) links are stored, and only those are ever rendered.

A browser ignores tabs and newlines inside a URL and C0 controls or spaces around it, and reads
schemes case-insensitively, so each hostile form below would run as script if it became an href.
"""

import html
import json
import re

import pytest
from django.test import Client

from epitope.ingest.models import Item, Source
from epitope.ingest.parse import parse_bytes
from epitope.ingest.pipeline import ingest_records
from epitope.ingest.records import Record
from epitope.ingest.sanitize import http_link
from tests import factories
from tests.test_hub_research import CAR_T, record, source

HOSTILE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "  javascript:alert(1)",
    "\x01\x1f javascript:alert(1)",
    "\x00javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "jav\r\nascript:alert(1)",
    "javascript:alert('http://example.org/')",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "javascript&#58;alert(1)",
    "/relative/path",
    "//elsewhere.example/page",
    "https://",
    "http:elsewhere.example",
    "",
]

# What may already sit in the database: PostgreSQL text cannot hold NUL, so no stored link does.
STORED = [h for h in HOSTILE if "\x00" not in h]


@pytest.mark.parametrize("url", HOSTILE)
def test_nothing_but_an_absolute_web_address_is_a_link(url):
    assert http_link(url) == ""


@pytest.mark.parametrize("url, read", [
    ("https://example.org/paper/1", "https://example.org/paper/1"),
    ("HTTP://Example.org/a?b=c&d=e", "HTTP://Example.org/a?b=c&d=e"),
    ("  https://example.org/x \n", "https://example.org/x"),
    ("https://exa\tmple.org/x", "https://example.org/x"),  # what the browser would open
])
def test_web_addresses_are_kept_as_a_browser_reads_them(url, read):
    assert http_link(url) == read


def rss(links):
    items = "".join(
        f"<item><title>Item {n}</title><link>{html.escape(link)}</link><guid>item-{n}</guid>"
        f"<description>CAR-T cells in item {n}.</description></item>"
        for n, link in enumerate(links)
    )
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Hostile feed</title>'
            f"<link>https://feed.example/</link>{items}</channel></rss>").encode()


@pytest.mark.django_db
def test_ingestion_stores_no_link_but_http_ones():
    """On the way in: hostile links of an RSS feed and a JSON Feed are stored empty, good ones kept."""
    hostile = [h for h in HOSTILE if h and not h.startswith("/")]  # relative ones resolve against the feed
    feed = parse_bytes(rss(hostile + ["https://journal.example/good"]))
    json_feed = parse_bytes(json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "Hostile JSON",
        "items": [{"id": f"j{n}", "title": f"JSON item {n}", "url": link, "content_text": "Text."}
                  for n, link in enumerate(hostile)],
    }).encode())
    assert [r.link for r in feed] == [""] * len(hostile) + ["https://journal.example/good"]
    assert {r.link for r in json_feed} == {""}
    summary = ingest_records(Source.objects.create(name="Hostile", url="https://feed.example/rss"), feed + json_feed)
    assert summary.new == len(feed) + len(json_feed)
    links = set(Item.objects.values_list("link", flat=True))
    assert links == {"", "https://journal.example/good"}


def titled_anchor(page, title):
    """Return the anchor around `title` in `page`, or None when the title is plain text."""
    return re.search(r"<a [^>]*>" + re.escape(html.escape(title)) + "</a>", page)


def store_hostile_items(source_obj, same_story=False):
    """Items whose links got into the database before links were checked (or by any other path)."""
    # Distinct words per item, so that no two are taken for one story.
    words = ["melanoma", "myeloma", "lymphoma", "glioma", "sarcoma", "leukaemia", "carcinoma", "mesothelioma",
             "neuroblastoma", "retinoblastoma", "osteosarcoma", "adenoma", "thymoma", "blastoma", "seminoma",
             "hepatoma", "insulinoma", "chordoma", "ependymoma", "meningioma"]
    records = [Record(title=f"Hostile link {n}", link=f"https://safe.example/{n}",
                      summary=CAR_T[1] if same_story else f"CAR-T cells against {words[n]} in trial {n * 7919}.",
                      identifiers={"doi": f"10.5555/hostile.{n}"}) for n in range(len(STORED))]
    ingest_records(source_obj, records)
    for n, link in enumerate(STORED):
        Item.objects.filter(doi=f"10.5555/hostile.{n}").update(link=link)


@pytest.mark.django_db
def test_leads_inbox_and_drafts_show_stored_hostile_links_as_text(django_user_model):
    site = factories.hub_site()
    store_hostile_items(Source.objects.create(name="Old feed", url="https://old.example/rss", topic=site["cancer"]))
    ingest_records(Source.objects.create(name="Good feed", url="https://good.example/rss"),
                   [Record(title="A good link", link="https://good.example/story", identifiers={"doi": "10.5555/good"})])
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("editor", "editor@example.org", "pw"))
    page = client.get("/admin/leads/?order=newest").content.decode()
    for n in range(len(STORED)):
        assert f"Hostile link {n}" in page
        assert titled_anchor(page, f"Hostile link {n}") is None
    assert 'href="https://good.example/story"' in page
    hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]*)"', page)]
    assert not [h for h in hrefs if re.match(r"\W*(java|data|vb)", h, re.I)]

    from epitope.ingest import leads

    items = list(Item.objects.filter(title__startswith="Hostile link").select_related("source"))
    paragraph = leads.sources_paragraph(items)
    assert "<a " not in paragraph and "Hostile link 0" in paragraph


@pytest.mark.django_db
def test_hub_research_shows_stored_hostile_links_as_text(client):
    site = factories.hub_site()
    store_hostile_items(source("Old journal", site["cancer"]), same_story=True)
    ingest_records(source("Good journal", site["cancer"]), [record(1, CAR_T)])
    for url in ("/cancer-immunology/", "/cancer-immunology/research/"):
        page = client.get(url).content.decode()
        assert 'href="https://example.org/paper/1"' in page
        shown = [n for n in range(len(STORED)) if f"Hostile link {n}" in page]
        assert shown  # the panel shows the newest few, the research page all of them
        assert all(titled_anchor(page, f"Hostile link {n}") is None for n in shown)
    assert shown == list(range(len(STORED)))
