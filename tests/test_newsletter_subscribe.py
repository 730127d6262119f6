"""Subscribing with double opt-in, against a real local SMTP server."""

import json

import pytest
from django.test import Client

from epitope.newsletter.models import Subscriber, Subscription
from tests import factories as f
from tests.newsletter_support import links_in, smtp_server, text_part  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return f.hub_site()


ORIGIN = {"HTTP_ORIGIN": "http://testserver"}  # what a browser sends from our own form


def post_subscribe(client, site, email="reader@example.org", name="Ada Reader", headers=ORIGIN, **extra):
    data = {"email": email, "name": name, "topics": [site["cancer"].pk], "frequency": "weekly", **extra}
    return client.post("/newsletter/subscribe/", data, **headers)


def path_of(url):
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_subscribe_sends_confirmation_that_confirms_only_on_post(client, site, smtp_server):
    response = post_subscribe(client, site)
    assert response.status_code == 302 and response["Location"] == "/newsletter/subscribe/sent/"
    (message,) = smtp_server.to("reader@example.org")
    assert message["To"] == "Ada Reader <reader@example.org>"
    assert "Confirm" in message["Subject"]
    assert message.get_body(preferencelist=("html",)) is not None
    (confirm_url,) = links_in(message, "confirm")
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None

    # A link scanner fetching the link (even twice, even with HEAD) confirms nothing.
    page = client.get(path_of(confirm_url))
    client.head(path_of(confirm_url))
    assert page.status_code == 200 and b"Confirm subscription" in page.content
    assert page["Cache-Control"] == "private, no-store" and page["Referrer-Policy"] == "no-referrer"
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None

    done = Client(enforce_csrf_checks=True).post(path_of(confirm_url))
    assert done.status_code == 200 and b"subscribed" in done.content
    subscription.refresh_from_db()
    assert subscription.is_active
    assert not done.cookies, "the confirm page sets no cookie"


def test_hub_subscribe_link_prefills_topic_and_type(client, site):
    response = client.get("/newsletter/subscribe/?topic=cancer-immunology&type=news")
    form = response.context["form"]
    assert form.initial == {"topics": [site["cancer"].pk], "article_type": "news"}


def test_facet_filter_is_stored(client, site, smtp_server):
    post_subscribe(client, site, article_type="feature", frequency="daily")
    subscription = Subscription.objects.get()
    assert subscription.filters == {"type": "feature"} and subscription.frequency == "daily"
    assert subscription.describe() == "Cancer immunology (feature only)"


def test_same_response_whether_or_not_already_subscribed(client, site, smtp_server, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    new = post_subscribe(client, site, email="new@example.org")
    pending = post_subscribe(client, site, email="new@example.org")
    subscription = Subscription.objects.get()
    subscription.confirmed_at = subscription.created_at
    subscription.save()
    active = post_subscribe(client, site, email="new@example.org")
    responses = [new, pending, active]
    assert {(r.status_code, r["Location"]) for r in responses} == {(302, "/newsletter/subscribe/sent/")}
    pages = {client.get(r["Location"]).content for r in responses}
    assert len(pages) == 1
    # Behind the scenes: two confirmations, then a reminder with the manage link; no duplicate row.
    mails = smtp_server.to("new@example.org")
    assert [len(links_in(m, "confirm")) for m in mails] == [1, 1, 0]
    assert len(links_in(mails[2], "manage")) == 1
    assert Subscription.objects.count() == 1


def test_repeated_requests_do_not_mail_bomb_an_address(client, site, smtp_server):
    for _ in range(5):
        assert post_subscribe(client, site, email="victim@example.org").status_code == 302
    assert len(smtp_server.to("victim@example.org")) == 1


@pytest.mark.parametrize(
    "email, name",
    [
        ("reader@example.org\r\nBcc: everyone@example.org", ""),
        ("reader@example.org\nBcc: everyone@example.org", ""),
        ("reader@example.org\r\n", ""),
        ("reader@example.org, victim@example.org", ""),
        ("reader@example.org;victim@example.org", ""),
        ("reader@example.org%0d%0aBcc:victim@example.org", ""),
        ("Ada <reader@example.org>", ""),
        ("reader@example.org", "Ada\r\nBcc: victim@example.org"),
        ("reader@example.org", "Ada\nBcc: victim@example.org"),
        ("reader@example.org", "Ada%0ABcc: victim@example.org"),
        ("reader@example.org", "=?utf-8?q?Ada=0ABcc=3A_victim=40example=2Eorg?="),
        ("reader@example.org", "Ada\u2028Bcc: victim@example.org"),
        ("reader@example.org", "Ada <victim@example.org>"),
        ("reader@example.org", 'Ada", victim@example.org'),
    ],
)
def test_header_injection_is_refused_with_a_form_error(client, site, smtp_server, email, name):
    response = post_subscribe(client, site, email=email, name=name)
    assert response.status_code == 200
    errors = response.context["form"].errors
    field = "name" if email == "reader@example.org" else "email"
    assert list(errors) == [field]
    assert errors[field][0] in response.content.decode().replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
    assert smtp_server.messages == [] and not Subscriber.objects.exists()


@pytest.mark.parametrize("email", ["not-an-address", "a@b", "@example.org", "a" * 250 + "@example.org"])
def test_invalid_addresses_are_refused(client, site, smtp_server, email):
    response = post_subscribe(client, site, email=email)
    assert response.status_code == 200 and "email" in response.context["form"].errors
    assert smtp_server.messages == []


def test_subscribe_needs_a_topic(client, site, smtp_server):
    response = client.post("/newsletter/subscribe/", {"email": "a@example.org", "frequency": "weekly"}, **ORIGIN)
    assert "Choose at least one topic." in response.content.decode()


def test_subscribe_form_sets_no_cookie_and_refuses_posts_from_other_sites(site, smtp_server):
    csrf_client = Client(enforce_csrf_checks=True)
    page = csrf_client.get("/newsletter/subscribe/")
    assert page.status_code == 200 and not page.cookies, "the Cookie Policy promises readers no cookie"
    assert post_subscribe(csrf_client, site, headers={"HTTP_ORIGIN": "https://evil.example"}).status_code == 403
    assert post_subscribe(csrf_client, site, headers={}).status_code == 403  # neither Origin nor Sec-Fetch-Site
    assert not smtp_server.messages
    assert post_subscribe(csrf_client, site, headers={"HTTP_SEC_FETCH_SITE": "same-origin"}).status_code == 302
    assert post_subscribe(csrf_client, site).status_code == 302


def test_tampered_confirm_link_shows_a_clear_error(client, site, smtp_server):
    post_subscribe(client, site)
    (confirm_url,) = links_in(smtp_server.messages[0][1], "confirm")
    response = client.post(path_of(confirm_url).replace("/confirm/", "/confirm/x"))
    assert response.status_code == 400 and b"doesn" in response.content
    assert not Subscription.objects.get().is_active


def test_manage_page_exports_and_deletes_data_only_on_post(client, site, smtp_server):
    from epitope.newsletter import links

    post_subscribe(client, site)
    subscriber = Subscriber.objects.get()
    manage = path_of(links.manage_url(subscriber))
    page = client.get(manage)
    assert page.status_code == 200 and b"Cancer immunology" in page.content

    export = client.get(manage + "export.json")
    assert export["Content-Disposition"].startswith("attachment")
    data = json.loads(export.content)
    assert data["email"] == "reader@example.org" and data["name"] == "Ada Reader"
    assert data["subscriptions"][0]["topics"] == ["Cancer immunology"]

    assert client.get(manage + "delete/").status_code == 405
    assert Subscriber.objects.exists()
    assert client.post(manage + "delete/").status_code == 200
    assert not Subscriber.objects.exists() and not Subscription.objects.exists()
    assert client.get(manage).status_code == 400


def test_replacing_links_revokes_old_ones_and_mails_a_new_one(client, site, smtp_server):
    from epitope.newsletter import links

    post_subscribe(client, site)
    subscriber = Subscriber.objects.get()
    old = path_of(links.manage_url(subscriber))
    assert client.post(old + "revoke/").status_code == 200
    assert client.get(old).status_code == 400
    (new_url,) = links_in(smtp_server.messages[-1][1], "manage")
    assert client.get(path_of(new_url)).status_code == 200


def test_mail_server_trouble_shows_a_retry_message_and_a_retry_works(client, site, smtp_server):
    smtp_server.fail_after = 0
    response = post_subscribe(client, site)
    assert response.status_code == 503
    assert "We could not send email just now" in response.content.decode()
    smtp_server.fail_after = None
    assert post_subscribe(client, site).status_code == 302
    (message,) = smtp_server.to("reader@example.org")
    assert len(links_in(message, "confirm")) == 1
