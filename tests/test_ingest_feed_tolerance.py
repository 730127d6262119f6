"""Broken real feeds: Epitope reads at least as many entries as the better of feedparser and
fastfeedparser, and an HTML page where the feed should be is refused by name.

The corpus (`tests/broken_feeds.py`) is the real feeds of testdata/ingest/feeds, whole and broken
as feeds break in the wild: cut short, wrong / duplicate / late prologs, a BOM over a wrong
declared encoding, HTML entities, bare `&`, control characters, unclosed HTML, tags in another
letter case, two faults at once (a UTF-16 prolog over 8-bit bytes on a document strict XML
refuses), and HTML's entities declared in an internal DTD subset (refused whole before, by the fast
path and the fallback alike: likely issue 24's feed that fastfeedparser read). An entry counts when its
title or link shows a letter or a digit (`broken_feeds.visible`): an empty or cut-off entry a
parser returns is not one a reader could see. Per-parser totals: bench/feed_tolerance.py.
"""

import io
import json
import re

import pytest
from django.core.management import call_command

from epitope.ingest.models import Item, SourceRun
from epitope.ingest.parse import parse_bytes, parse_document, parse_items
from epitope.ingest.records import IngestError, Skipped
from tests import broken_feeds

FEEDS = broken_feeds.feeds()
DOCS = dict(broken_feeds.corpus())


@pytest.mark.parametrize("name", [name for name, _data in FEEDS])
def test_epitope_reads_as_many_entries_as_the_better_of_feedparser_and_fastfeedparser(name):
    data = DOCS[name]
    best = max(broken_feeds.feedparser_entries(data), broken_feeds.fastfeedparser_entries(data))
    assert broken_feeds.epitope_entries(data) >= best


def test_the_corpus_holds_feeds_both_other_parsers_or_our_strict_parser_refuse():
    # Without these the comparison above would prove little.
    feedparser_refuses = [n for n, d in FEEDS if broken_feeds.feedparser_entries(d) == 0]
    fastfeedparser_refuses = [n for n, d in FEEDS if broken_feeds.fastfeedparser_entries(d) == 0]
    assert "atom_utf16_prolog_stray_ampersands.xml" in feedparser_refuses
    assert "rss_mixed_case.xml" in fastfeedparser_refuses
    assert len(feedparser_refuses) >= 5 and len(fastfeedparser_refuses) >= 5


def test_a_feed_cut_short_keeps_every_whole_entry_before_the_cut_as_the_whole_feed_has_it():
    whole = parse_bytes(DOCS["large_rss.xml"])
    cut = [r for r in parse_items(DOCS["rss_truncated_80.xml"]) if not isinstance(r, Skipped)]
    assert len(cut) >= 17
    for kept, original in zip(cut[:-1], whole):
        assert (kept.title, kept.link, kept.published, kept.identifiers) == (
            original.title, original.link, original.published, original.identifiers)
        assert kept.summary == original.summary


def test_a_broken_feed_reads_into_the_same_fields_as_the_whole_one():
    whole = {r.link: r for r in parse_bytes(DOCS["encoding_WINDOWS-1251.xml"])}
    for name in ("cp1251_entities.xml", "cp1251_stray_ampersands.xml", "cp1251_mixed_case.xml",
                 "cp1251_utf16_prolog_stray_ampersands.xml", "cp1251_prolog_after_php_warning.xml"):
        records = parse_bytes(DOCS[name])
        assert len(records) == len(whole) == 50, name
        for record in records:
            original = whole[record.link]
            assert original.title in record.title and original.published == record.published, name
    quote = next(r for r in parse_bytes(DOCS["cp1251_entities.xml"]))
    assert quote.title.startswith("« Цитата #") and quote.title.endswith(" »")  # nbsp, as text shows it
    assert next(r for r in parse_bytes(DOCS["cp1251_stray_ampersands.xml"])).title.startswith("R&D Цитата #")


def test_a_feed_declaring_entities_is_read_without_expanding_or_fetching_any():
    # The subset is left out: HTML's names are read as HTML's, others stay text; nothing is loaded.
    records = parse_bytes(DOCS["rss_declared_entities.xml"])
    assert len(records) == 25 and records[0].title.startswith("« Using vale")
    xxe = DOCS["large_rss.xml"].replace(b"<rss", b'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss', 1)
    first = parse_bytes(xxe.replace(b"<title>Using", b"<title>&xxe; Using", 1))[0]
    assert first.title == "&xxe; Using vale with vim" and "root:" not in first.summary


def test_entities_defined_by_entities_stay_refused_in_a_feed():
    laughs = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;">]>'
              b"<rss><channel><item><title>&b;</title><link>https://x.example/1</link></item></channel></rss>")
    with pytest.raises(IngestError, match="^xml: entity declarations are not allowed"):
        parse_bytes(laughs)


def test_an_entry_left_with_neither_title_nor_link_is_skipped_not_stored_as_untitled():
    data = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Lab</title>' \
           b"<item><title>CAR-T & TILs</title><link>https://lab.example.org/1</link></item>" \
           b"<item><description>\x0b</description></item><item><title>Cut sh"
    items = parse_items(data)
    assert [i.title for i in items if not isinstance(i, Skipped)] == ["CAR-T & TILs", "Cut sh"]
    assert [i.position for i in items if isinstance(i, Skipped)] == [2]


@pytest.mark.parametrize("name", [name for name, _data in broken_feeds.html_pages()])
def test_an_html_page_served_as_a_feed_is_refused_with_its_title_not_read_as_entries(name):
    with pytest.raises(IngestError, match=r'^parser: unable to detect feed format: this is an HTML page \("[^"]+"\), not a feed'):
        parse_document(DOCS[name])


def test_a_well_formed_xhtml_page_is_refused_by_name_too():
    with pytest.raises(IngestError, match=r'this is an HTML page \("Lab news"\), not a feed'):
        parse_bytes(b'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Lab news</title></head><body/></html>')


@pytest.mark.django_db
def test_ingest_file_imports_a_feed_both_other_parsers_refuse_and_refuses_an_html_page(tmp_path):
    feed, page = tmp_path / "feed.xml", tmp_path / "feed-moved.xml"
    feed.write_bytes(DOCS["atom_utf16_prolog_stray_ampersands.xml"])
    page.write_bytes(DOCS["error_page_503.html"])
    out = io.StringIO()
    call_command("ingest-file", str(feed), "--json", stdout=out, stderr=io.StringIO())
    assert json.loads(out.getvalue())["totals"]["new"] == Item.objects.count() == 25
    assert Item.objects.filter(title__startswith="R&D ").count() == 25
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("ingest-file", str(page), "--json", stdout=out, stderr=io.StringIO())
    assert exit_info.value.code == 1
    assert Item.objects.count() == 25  # nothing of the page stored, nothing stored before lost
    assert re.search(r"HTML page \(\\?\"503 Service Temporarily Unavailable\\?\"\)", out.getvalue())
    assert SourceRun.objects.filter(ok=False).count() == 1
