"""What a story's page says besides its text: reading time, "Updated" date, corrections, share links."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from epitope.articles import story_meta
from epitope.articles.models import ArticlePage
from tests import factories as f

pytestmark = pytest.mark.django_db


def words(n, word="lymphocyte"):
    return " ".join([word] * n)


def _article(site, title="A story", **extra):
    return f.article(site["index"], title, [site["cell"]], hero=False, **extra)


def test_reading_time_counts_the_words_of_paragraphs_quotes_and_captions_not_markup_or_embeds():
    site = f.hub_site()
    story = _article(site, body=[
        ("paragraph", f'<p>{words(300)} <a href="https://example.org/a-very-long-address">link</a></p>'),
        ("quote", {"quote": words(150), "attribution": "A clinician"}),
        ("embed", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ])
    assert story_meta.word_count(story) == 300 + 1 + 150 + 2
    assert story_meta.reading_minutes(story) == 2  # 453 words at 230 a minute, rounded up


def test_hyphenated_names_are_one_word_each():
    site = f.hub_site()
    story = _article(site, body=[("paragraph", "<p>CAR-T cells and PD-L1 and IL-2.</p>")])
    assert story_meta.word_count(story) == 6


def test_a_story_without_a_body_shows_no_reading_time(client):
    site = f.hub_site()
    story = _article(site)
    assert story_meta.reading_minutes(story) is None
    assert "min read" not in client.get(story.url).content.decode()


def test_article_shows_its_reading_time(client):
    site = f.hub_site()
    story = _article(site, body=[("paragraph", f"<p>{words(1300)}</p>")])
    assert '<span class="reading-time">6 min read</span>' in client.get(story.url).content.decode()


def test_updated_date_shows_only_when_the_story_was_revised_on_a_later_day(client):
    site = f.hub_site()
    story = _article(site, date=datetime.date(2026, 3, 2))
    published = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))
    ArticlePage.objects.filter(pk=story.pk).update(first_published_at=published, last_published_at=published.replace(hour=17))
    assert "Updated" not in client.get(story.url).content.decode()  # fixed a typo the same day

    ArticlePage.objects.filter(pk=story.pk).update(last_published_at=published + datetime.timedelta(days=4))
    html = client.get(story.url).content.decode()
    assert 'Updated <time datetime="2026-03-06">6 March 2026</time>' in html
    assert story_meta.revised_on(ArticlePage.objects.get(pk=story.pk)) == datetime.date(2026, 3, 6)


def test_corrections_note_shows_when_editors_fill_it(client):
    site = f.hub_site()
    plain = _article(site, "Correct from the start")
    corrected = _article(site, "Corrected", corrections="<p>An earlier version gave the trial's size as <b>120</b>.</p>")
    assert "Correction" not in client.get(plain.url).content.decode()
    html = client.get(corrected.url).content.decode()
    note = html.split('class="corrections"')[1].split("</aside>")[0]
    assert '<h2 id="corrections-heading">Correction</h2>' in note and "size as <b>120</b>" in note


def test_share_links_carry_the_story_title_and_address_to_each_network_and_by_mail():
    links = dict(story_meta.share_links("CAR-T & PD-1: what's new?", "https://epitope.example/articles/car-t/"))
    assert list(links) == ["E-mail", "Bluesky", "Mastodon", "LinkedIn", "X"]
    mail = urlsplit(links["E-mail"])
    assert mail.scheme == "mailto" and parse_qs(mail.query)["subject"] == ["CAR-T & PD-1: what's new?"]
    assert "https://epitope.example/articles/car-t/" in parse_qs(mail.query)["body"][0]
    assert parse_qs(urlsplit(links["Bluesky"]).query)["text"] == ["CAR-T & PD-1: what's new? https://epitope.example/articles/car-t/"]
    assert parse_qs(urlsplit(links["LinkedIn"]).query)["url"] == ["https://epitope.example/articles/car-t/"]
    assert parse_qs(urlsplit(links["X"]).query) == {"text": ["CAR-T & PD-1: what's new?"], "url": ["https://epitope.example/articles/car-t/"]}
    assert all(urlsplit(link).scheme in ("https", "mailto") for link in links.values())


def test_article_shows_share_links_and_a_copyable_link_without_any_script(client):
    site = f.hub_site()
    story = _article(site, "Share me")
    html = client.get(story.url).content.decode()
    share = html.split('class="share"')[1].split("</section>")[0]
    for name in ("E-mail", "Bluesky", "Mastodon", "LinkedIn", "X"):
        assert f">{name}</a>" in share
    assert 'value="http://localhost/articles/share-me/" readonly' in share
    assert "<script" not in share and "<iframe" not in share


def test_a_story_dated_back_is_not_updated_by_being_published_late():
    site = f.hub_site()
    story = _article(site, date=datetime.date(2026, 1, 5))  # published today, dated in January
    assert story_meta.revised_on(ArticlePage.objects.get(pk=story.pk)) is None
