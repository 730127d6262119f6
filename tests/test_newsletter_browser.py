"""A reader's whole round trip in a real browser, with mail through a local SMTP server."""

import datetime
import re

import pytest
from django.core.management import call_command

from epitope.core import site_urls
from epitope.newsletter.models import Subscription
from tests import factories as f
from tests.newsletter_support import html_part, links_in, smtp_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_subscribe_confirm_digest_unsubscribe(live_server, page, smtp_server):
    site = f.hub_site()
    site_urls.point_default_site(live_server.url)  # mails link to the Site's address
    f.article(site["index"], "Checkpoint inhibitors in 2026", [site["cell"]], date=datetime.date(2026, 11, 4))

    page.goto(f"{live_server.url}/cancer-immunology/")
    page.get_by_role("link", name="Subscribe").click()
    assert page.get_by_label("Cancer immunology").is_checked()
    page.get_by_label("Email address").fill("reader@example.org")
    page.get_by_label("Name (optional)").fill("Ada Reader")
    page.get_by_role("button", name="Subscribe").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()

    (confirmation,) = smtp_server.to("reader@example.org")
    (confirm_url,) = links_in(confirmation, "confirm")
    page.goto(confirm_url)
    assert not Subscription.objects.get().is_active, "opening the link alone confirms nothing"
    page.get_by_role("button", name="Confirm subscription").click()
    page.get_by_role("heading", name="You're subscribed").wait_for()
    assert Subscription.objects.get().is_active

    call_command("send-digests", "--now", "2026-11-09T06:00:00+00:00")
    digest = smtp_server.to("reader@example.org")[-1]
    html = html_part(digest)
    assert "Checkpoint inhibitors in 2026" in html
    unsubscribe_url = re.search(r'<a href="([^"]+)">Unsubscribe</a>', html).group(1)
    page.goto(unsubscribe_url)
    assert Subscription.objects.get().is_active, "opening the link alone unsubscribes no one"
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", name="You're unsubscribed").wait_for()
    assert not Subscription.objects.get().is_active
