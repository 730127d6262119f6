"""Feeds that name no encoding and are not UTF-8 still come out as the text their authors wrote.

The undeclared variants are the real fixtures with their XML declaration removed (as servers
that send bare windows-1251 or KOI8-R do); the Shift-JIS feed is one written for this test.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from epitope.ingest import encoding
from epitope.ingest.models import Item, Source
from epitope.ingest.parse import parse_document
DATA = Path(__file__).parent / "testdata" / "ingest"
FEEDS = DATA / "feeds"
SHIFT_JIS = DATA / "own" / "shift_jis_undeclared.xml"
SHIFT_JIS_TITLES = [
    "免疫チェックポイント阻害薬の併用療法、進行期メラノーマで生存期間を延長",
    "CAR-T細胞療法、固形がんへの応用に向けた第1相試験を開始",
    "腫瘍浸潤リンパ球の数が予後を左右する 大規模コホート研究",  # ideographic space folded
]


def undeclared(name: str) -> bytes:
    """Return a real feed fixture with its XML declaration cut off."""
    data = (FEEDS / name).read_bytes()
    stripped = re.sub(rb"^\s*<\?xml[^>]*\?>", b"", data, count=1)
    assert stripped != data and b"encoding=" not in stripped[:200]
    return stripped


@pytest.mark.parametrize(
    "name, feed_title, first_item",
    [
        ("encoding_WINDOWS-1251.xml", "iBash.Org.Ru", "Цитата #17703"),
        ("koi8r.xml", "Пример RSS ленты", "Первая новость"),
        # Latin-script text stays windows-1252, as before detection existed.
        ("encoding_ISO-8859-1.xml", "Golem.de", "Red Dead Redemption 2: Hinweise auf PC-Umsetzung in App von Rockstar Games"),
        ("iso-8859-1.xml", "Café", None),
        ("windows-1252.xml", "Euro €", None),
    ],
)  # fmt: skip
def test_undeclared_real_feeds_decode_to_the_right_text(name, feed_title, first_item):
    document = parse_document(undeclared(name))
    assert document.title == feed_title
    if first_item is not None:
        assert document.records[0].title == first_item


def test_undeclared_cyrillic_bodies_decode_too():
    records = parse_document(undeclared("encoding_WINDOWS-1251.xml")).records
    assert records[0].summary.startswith("xxx: есть у кого жаба программер <br>")
    koi8 = parse_document(undeclared("koi8r.xml")).records
    assert "Привет мир! Ёжик, чай, Москва, Санкт-Петербург." in koi8[0].summary


def test_undeclared_french_keeps_its_accents():
    records = parse_document((FEEDS / "no_encoding_ISO-8859-1.xml").read_bytes()).records
    assert records[0].title == "Perturbateurs endocriniens : quels effets sur le cerveau ?"
    assert "adoptée en 2014" in records[1].summary


def test_undeclared_shift_jis_feed():
    document = parse_document(SHIFT_JIS.read_bytes())
    assert document.title == "がん免疫ニュース（日本語版）"
    assert [r.title for r in document.records] == SHIFT_JIS_TITLES
    assert "抗PD-1抗体と抗CTLA-4抗体の併用" in document.records[0].summary


def test_a_declaration_still_wins_over_detection():
    cp1251 = undeclared("encoding_WINDOWS-1251.xml")
    # The operator's server says KOI8-R: we believe it, as before (no second-guessing a label).
    said_koi8 = parse_document(cp1251, content_type="application/rss+xml; charset=koi8-r")
    assert said_koi8.records[0].title == cp1251.split(b"<title>")[2].split(b"</title>")[0].decode("koi8-r")
    said_cp1251 = parse_document(cp1251, content_type="text/xml; charset=windows-1251")
    assert said_cp1251.records[0].title == "Цитата #17703"


def test_detection_reads_a_bounded_window_from_the_first_non_ascii_byte(monkeypatch):
    # 200 KiB of ASCII markup before the first Cyrillic byte, then 1.3 MB of the real feed.
    body = undeclared("encoding_WINDOWS-1251.xml")
    head, rest = body.split(b"<channel>", 1)
    padding = b"<!-- " + b"x" * (200 * 1024) + b" -->"
    items = rest.split(b"</channel>")[0]
    data = head + b"<channel>" + padding + items * 40 + b"</channel></rss>"
    seen = []
    real = encoding.from_bytes
    monkeypatch.setattr(encoding, "from_bytes", lambda window: seen.append(len(window)) or real(window))
    document = parse_document(data)
    assert document.records[0].title == "Цитата #17703"
    assert len(seen) == 1 and encoding.DETECT_WINDOW // 2 < seen[0] <= encoding.DETECT_WINDOW



@pytest.mark.parametrize("shift, cuts_a_character", [(0, False), (114, True)])
def test_a_long_shift_jis_feed_whose_window_ends_inside_a_character(shift, cuts_a_character):
    raw = SHIFT_JIS.read_bytes()
    head, rest = raw.split(b"<item>", 1)
    items = b"<item>" + rest.rsplit(b"</channel>", 1)[0]
    data = head + b" " * shift + items * 60 + b"</channel></rss>"  # 74 KB
    window = data[: encoding.DETECT_WINDOW]
    broken = window.decode("cp932", errors="replace") != window.decode("cp932", errors="ignore")
    assert window != data and broken == cuts_a_character
    records = parse_document(data).records
    assert len(records) == 180 and records[-1].title == SHIFT_JIS_TITLES[-1]

@pytest.fixture
def _loopback_allowed(settings):
    settings.EPITOPE_FETCH_ALLOW_PRIVATE = True


def _run(*args):
    call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.django_db
def test_a_fetched_feed_without_charset_is_stored_as_unicode(httpserver, _loopback_allowed):
    rss = "application/rss+xml"  # no charset parameter
    cp1251 = undeclared("encoding_WINDOWS-1251.xml")
    httpserver.expect_request("/bash").respond_with_data(cp1251, content_type=rss)
    httpserver.expect_request("/jp").respond_with_data(SHIFT_JIS.read_bytes(), content_type=rss)
    for path in ("/bash", "/jp"):
        Source.objects.create(name=path, url=httpserver.url_for(path))
    _run("ingest")
    assert Item.objects.filter(source__name="/bash", title="Цитата #17703").exists()
    japanese = Item.objects.filter(source__name="/jp").values_list("title", flat=True)
    assert sorted(japanese) == sorted(SHIFT_JIS_TITLES)


@pytest.mark.django_db
def test_an_undeclared_file_is_stored_as_unicode(tmp_path):
    path = tmp_path / "koi8.xml"
    path.write_bytes(undeclared("koi8r.xml"))
    _run("ingest-file", str(path), str(SHIFT_JIS))
    titles = set(Item.objects.values_list("title", flat=True))
    assert {"Первая новость", "Вторая новость", *SHIFT_JIS_TITLES} <= titles
