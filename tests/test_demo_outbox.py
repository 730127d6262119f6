"""The demo profile's outbox: mail kept as .eml files and listed, with its links, in the admin."""

import pytest
from django.core import mail
from django.test import Client

from epitope.demo import outbox
from tests import factories as f

pytestmark = pytest.mark.django_db

ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


@pytest.fixture
def kept(settings, tmp_path):
    settings.EMAIL_BACKEND = outbox.BACKEND
    settings.EPITOPE_OUTBOX_DIR = tmp_path / "outbox"
    return tmp_path / "outbox"


@pytest.fixture
def editor(django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("editor", "editor@example.org", "pw"))
    return client


def subscribe(client, site):
    data = {"email": "reader@example.org", "name": "Ada", "topics": [site["cancer"].pk], "frequency": "weekly"}
    return client.post("/newsletter/subscribe/", data, follow=True, **ORIGIN)


def test_a_kept_mail_is_a_file_any_mail_program_opens_and_its_links_are_listed(kept, client, editor):
    site = f.hub_site()
    sent = subscribe(client, site).content.decode()
    assert "The demo sends no email" in sent and 'href="/admin/outbox/"' in sent and str(kept) in sent

    (path,) = kept.glob("*.eml")
    (kept_mail,) = outbox.newest()
    assert kept_mail.to == "Ada <reader@example.org>" and "onfirm" in kept_mail.subject
    (confirm,) = [link for link in kept_mail.links if "/newsletter/confirm/" in link]
    assert confirm.startswith("http://localhost/")  # the Site's address, as every page's links

    page = editor.get("/admin/outbox/").content.decode()
    assert kept_mail.subject in page and f'<a href="{confirm}">' in page and path.name in page
    assert "/admin/outbox/" in editor.get("/admin/").content.decode()  # in the sidebar menu


def test_where_mail_is_really_sent_there_is_no_outbox_and_no_demo_note(settings, client, editor):
    site = f.hub_site()
    assert settings.EMAIL_BACKEND != outbox.BACKEND
    sent = subscribe(client, site).content.decode()
    assert "Check your inbox" in sent and "demo" not in sent.split("<main", 1)[1]
    assert len(mail.outbox) == 1
    assert editor.get("/admin/outbox/").status_code == 404
    assert "/admin/outbox/" not in editor.get("/admin/").content.decode()
