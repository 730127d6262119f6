"""Digests: what goes in, what the mail looks like, and sending exactly once per issue."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from epitope.core import site_urls
from epitope.newsletter import digest
from epitope.newsletter.models import Delivery, Subscriber, Subscription
from tests import factories as f
from tests.newsletter_support import html_part, links_in, smtp_server, text_part  # noqa: F401

pytestmark = pytest.mark.django_db

# Monday 9 November 2026: the weekly issue covers 2–8 November, the daily one 8 November.
NOW = "2026-11-09T06:00:00+00:00"
IN_WEEK = datetime.date(2026, 11, 4)


@pytest.fixture
def site():
    hubs = f.hub_site()
    site_urls.point_default_site("https://epitope.example")  # mails name the Site's address
    return hubs


def subscriber(email, topics, frequency="weekly", filters=None, name=""):
    person, _ = Subscriber.objects.get_or_create(email=email, defaults={"name": name})
    sub = Subscription.objects.create(
        subscriber=person, frequency=frequency, filters=filters or {}, confirmed_at=timezone.now()
    )
    sub.topics.set(topics)
    return person


def send(frequency="weekly", now=NOW):
    call_command("send-digests", "--frequency", frequency, "--now", now)


def path_of(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_issue_windows():
    weekly = digest.issue_for("weekly", datetime.datetime.fromisoformat(NOW))
    assert (weekly.start, weekly.end, weekly.key) == (
        datetime.date(2026, 11, 2), datetime.date(2026, 11, 9), "weekly:2026-11-02"
    )
    sunday = digest.issue_for("weekly", datetime.datetime(2026, 11, 15, 23, 0, tzinfo=datetime.UTC))
    assert sunday.key == "weekly:2026-11-02"
    daily = digest.issue_for("daily", datetime.datetime.fromisoformat(NOW))
    assert (daily.start, daily.end, daily.key) == (datetime.date(2026, 11, 8), datetime.date(2026, 11, 9), "daily:2026-11-08")


def test_digest_holds_articles_of_the_week_in_the_topic_and_below(site):
    index = site["index"]
    f.article(index, "In a subtopic", [site["cell"]], date=IN_WEEK, hero=False)
    f.article(index, "In the topic", [site["cancer"]], date=datetime.date(2026, 11, 8), hero=False)
    f.article(index, "Last week", [site["cancer"]], date=datetime.date(2026, 11, 1), hero=False)
    f.article(index, "Today, next issue", [site["cancer"]], date=datetime.date(2026, 11, 9), hero=False)
    f.article(index, "Parent topic only", [site["immunology"]], date=IN_WEEK, hero=False)
    f.article(index, "Draft", [site["cancer"]], date=IN_WEEK, hero=False, publish=False)
    f.article(index, "A feature", [site["cell"]], date=IN_WEEK, hero=False, article_type="feature")
    person = subscriber("a@example.org", [site["cancer"]])
    issue = digest.issue_for("weekly", datetime.datetime.fromisoformat(NOW))
    built = digest.build_digest(person, issue)
    assert [c.title for c in built.sections[0].cards] == ["In the topic", "A feature", "In a subtopic"]

    Subscription.objects.update(filters={"type": "news"})
    built = digest.build_digest(person, issue)
    assert [c.title for c in built.sections[0].cards] == ["In the topic", "In a subtopic"]


def test_overlapping_subscriptions_do_not_repeat_an_article(site):
    f.article(site["index"], "CAR-T", [site["cell"]], date=IN_WEEK, hero=False)
    person = subscriber("a@example.org", [site["cancer"]])
    subscriber("a@example.org", [site["cell"]])
    issue = digest.issue_for("weekly", datetime.datetime.fromisoformat(NOW))
    built = digest.build_digest(person, issue)
    assert [len(s.cards) for s in built.sections] == [1, 0] and built.article_count == 1


def test_digest_mail_has_cards_both_parts_and_one_click_unsubscribe(site, smtp_server):
    story = f.article(site["index"], "T cells & tumours", [site["cell"]], date=IN_WEEK, alt="T cells attacking a tumour")
    subscriber("reader@example.org", [site["cancer"]], name="Ada Reader")
    send()
    (message,) = smtp_server.to("reader@example.org")
    assert message["To"] == "Ada Reader <reader@example.org>"
    assert message["Subject"] == "Epitope weekly digest: week of 2 November 2026"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https_url, mailto = re.findall(r"<([^>]+)>", message["List-Unsubscribe"])
    assert https_url.startswith("https://epitope.example/newsletter/unsubscribe/")
    assert mailto.startswith("mailto:digest@epitope.example?subject=unsubscribe%20")
    assert message["X-Epitope-Issue"] == "weekly:2026-11-02"

    text = text_part(message)
    assert "T cells & tumours" in text and f"https://epitope.example{story.url}" in text
    assert "What T cells & tumours means for patients." in text and "News · 4 November 2026" in text
    html = html_part(message)
    assert f'<a href="https://epitope.example{story.url}"' in html and "T cells &amp; tumours" in html
    image = re.search(r'<img src="([^"]+)" alt="([^"]*)"', html)
    assert image.group(1).startswith("https://epitope.example/media/images/") and image.group(1).endswith(".jpg")
    assert image.group(2) == "T cells attacking a tumour"
    assert Delivery.objects.get().status == Delivery.SENT


def test_one_click_post_unsubscribes_and_get_does_not(site, smtp_server):
    f.article(site["index"], "Story", [site["cancer"]], date=IN_WEEK, hero=False)
    person = subscriber("reader@example.org", [site["cancer"]])
    send()
    (message,) = smtp_server.to("reader@example.org")
    url = path_of(re.findall(r"<([^>]+)>", message["List-Unsubscribe"])[0])
    scanner = Client()
    assert scanner.get(url).status_code == 200
    scanner.head(url)
    assert person.active_subscriptions().count() == 1

    # What a mail provider sends (RFC 8058): a POST with this body, no cookie, no CSRF token.
    provider = Client(enforce_csrf_checks=True)
    response = provider.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert person.active_subscriptions().count() == 0
    send(now="2026-11-16T06:00:00+00:00")
    assert len(smtp_server.to("reader@example.org")) == 1


def test_each_digest_section_links_match_the_text_part(site, smtp_server):
    f.article(site["index"], "Story", [site["cancer"]], date=IN_WEEK, hero=False)
    subscriber("reader@example.org", [site["cancer"]])
    send()
    (message,) = smtp_server.messages[0][1:]
    assert len(links_in(message, "unsubscribe")) == 1 and len(links_in(message, "manage")) == 1


def test_nothing_new_sends_nothing_but_is_recorded(site, smtp_server):
    f.article(site["index"], "Old", [site["cancer"]], date=datetime.date(2026, 10, 1), hero=False)
    subscriber("reader@example.org", [site["cancer"]])
    send()
    assert smtp_server.messages == []
    assert Delivery.objects.get().status == Delivery.EMPTY


def test_unconfirmed_and_other_frequency_subscribers_get_nothing(site, smtp_server):
    f.article(site["index"], "Story", [site["cancer"]], date=IN_WEEK, hero=False)
    subscriber("daily@example.org", [site["cancer"]], frequency="daily")
    pending = subscriber("pending@example.org", [site["cancer"]])
    pending.subscriptions.update(confirmed_at=None)
    send()
    assert smtp_server.messages == []
    send("daily", now="2026-11-05T06:00:00+00:00")
    assert [r for r, _ in smtp_server.messages] == [["daily@example.org"]]


def test_running_twice_sends_one_email_each(site, smtp_server, capsys):
    f.article(site["index"], "Story", [site["cancer"]], date=IN_WEEK, hero=False)
    for n in range(3):
        subscriber(f"r{n}@example.org", [site["cancer"]])
    send()
    send()
    assert "0 sent" in capsys.readouterr().out.splitlines()[-1]
    assert sorted(r[0] for r, _ in smtp_server.messages) == ["r0@example.org", "r1@example.org", "r2@example.org"]


def test_interrupted_run_resumes_and_everyone_gets_exactly_one(site, smtp_server):
    f.article(site["index"], "Story", [site["cancer"]], date=IN_WEEK, hero=False)
    emails = [f"r{n}@example.org" for n in range(5)]
    for address in emails:
        subscriber(address, [site["cancer"]])
    smtp_server.fail_after = 2
    with pytest.raises(CommandError, match="refused"):
        send()
    assert len(smtp_server.messages) == 2
    assert Delivery.objects.filter(status=Delivery.FAILED).count() == 1
    smtp_server.fail_after = None
    send()
    send()
    assert sorted(r[0] for r, _ in smtp_server.messages) == emails
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.SENT}


def test_json_says_what_was_sent_and_why_a_run_stopped(site, smtp_server):
    import io
    import json

    f.article(site["index"], "Story", [site["cancer"]], date=IN_WEEK, hero=False)
    for n in range(3):
        subscriber(f"r{n}@example.org", [site["cancer"]])
    smtp_server.fail_after = 1
    out = io.StringIO()
    with pytest.raises(CommandError, match="refused") as stopped:
        call_command("send-digests", "--now", NOW, "--json", stdout=out)
    assert stopped.value.returncode == 1  # a digest failed: exit status 1
    report = json.loads(out.getvalue())
    assert (report["issue"], report["sent"], report["frequency"]) == ("weekly:2026-11-02", 1, "weekly")
    assert "refused" in report["error"]
    smtp_server.fail_after = None
    out = io.StringIO()
    call_command("send-digests", "--now", NOW, "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"frequency": "weekly", "issue": "weekly:2026-11-02", "sent": 2,
                                          "empty": 0, "skipped": 1, "error": None}


def test_claim_left_by_a_crashed_run_is_retried_only_after_the_timeout(site, smtp_server):
    f.article(site["index"], "Story", [site["cancer"]], date=IN_WEEK, hero=False)
    person = subscriber("reader@example.org", [site["cancer"]])
    now = datetime.datetime.fromisoformat(NOW)
    # A run died after claiming (perhaps after the server took the mail): leave it alone for now…
    Delivery.objects.create(subscriber=person, issue_key="weekly:2026-11-02", claimed_at=now - datetime.timedelta(minutes=5))
    send()
    assert smtp_server.messages == []
    # …and send once the claim is older than the timeout.
    send(now="2026-11-09T07:30:00+00:00")
    assert len(smtp_server.messages) == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.SENT, 2)


def test_worker_task_sends_the_due_digests(site, smtp_server):
    from epitope.newsletter.tasks import send_digests

    f.article(site["index"], "Story", [site["cancer"]], date=IN_WEEK, hero=False)
    subscriber("reader@example.org", [site["cancer"]])
    result = send_digests.enqueue("weekly", NOW)
    assert "1 sent" in result.return_value
    assert len(smtp_server.messages) == 1


def test_bad_now_is_a_clear_error(site):
    with pytest.raises(CommandError, match="ISO"):
        send(now="next tuesday")


def test_mailto_unsubscribe_acts_on_the_token_in_the_subject(site, smtp_server, monkeypatch):
    import io
    import sys
    from urllib.parse import unquote

    f.article(site["index"], "Story", [site["cancer"]], date=IN_WEEK, hero=False)
    person = subscriber("reader@example.org", [site["cancer"]])
    send()
    (message,) = smtp_server.to("reader@example.org")
    mailto = re.findall(r"<([^>]+)>", message["List-Unsubscribe"])[1]
    subject = unquote(mailto.split("subject=", 1)[1])
    raw = f"From: reader@example.org\r\nTo: digest@epitope.example\r\nSubject: {subject}\r\n\r\n".encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    call_command("newsletter-unsubscribe-mail")
    assert person.active_subscriptions().count() == 0

    forged = raw.replace(b"unsubscribe ", b"unsubscribe x")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(forged)))
    with pytest.raises(CommandError, match="not valid"):
        call_command("newsletter-unsubscribe-mail")


def test_unreachable_mail_server_is_a_clear_error_and_nothing_is_marked(site, smtp_server, settings):
    from tests.newsletter_support import free_port

    f.article(site["index"], "Story", [site["cancer"]], date=IN_WEEK, hero=False)
    subscriber("reader@example.org", [site["cancer"]])
    settings.EMAIL_PORT = free_port()
    with pytest.raises(CommandError, match="cannot reach"):
        send()
    assert not Delivery.objects.exists()
