"""Login throttling (django-axes) on the Wagtail and Django admin logins, as an attacker and an editor meet it."""

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone

from epitope.core.login_throttle import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture
def users(django_user_model):
    return {
        "editor": django_user_model.objects.create_superuser("editor", "editor@example.org", "right-horse-battery"),
        "reviewer": django_user_model.objects.create_user("reviewer", "reviewer@example.org", "staple-correct",
                                                          is_staff=True),
    }


def attempt(address, username, password, url=LOGIN, **extra):
    return Client(REMOTE_ADDR=address, **extra).post(url, {"username": username, "password": password})


def locked(response):
    return response.status_code == 429 and "This account is locked" in response.content.decode()


def signed_in(response):
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def test_wrong_passwords_lock_the_user_and_the_address_until_unlocked(users):
    limit = settings.AXES_FAILURE_LIMIT
    assert 3 <= limit <= 10
    for _ in range(limit - 1):
        response = attempt("10.0.0.1", "editor", "guess")
        assert response.status_code == 200 and not locked(response)  # the form again, with its error
    assert locked(attempt("10.0.0.1", "editor", "guess"))

    refused = attempt("10.0.0.1", "editor", "right-horse-battery")
    assert locked(refused) and "_auth_user_id" not in refused.client.session
    page = refused.content.decode()
    assert "15 minutes after the last failed attempt" in page and "axes_reset_username" in page
    assert locked(attempt("10.0.0.9", "editor", "right-horse-battery"))  # the user, from anywhere
    assert locked(attempt("10.0.0.1", "reviewer", "staple-correct"))  # anyone, from the address
    assert signed_in(attempt("10.0.0.2", "reviewer", "staple-correct"))  # another user elsewhere: unaffected

    call_command("axes_reset_username", "editor")
    call_command("axes_reset_ip", "10.0.0.1")
    assert signed_in(attempt("10.0.0.1", "editor", "right-horse-battery"))


def test_the_lock_lifts_after_the_cool_off_and_a_success_forgets_earlier_typos(users):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("10.0.0.1", "editor", "guess")
    assert locked(attempt("10.0.0.1", "editor", "right-horse-battery"))
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert signed_in(attempt("10.0.0.1", "editor", "right-horse-battery"))

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt("10.0.0.1", "editor", "typo")
    assert signed_in(attempt("10.0.0.1", "editor", "right-horse-battery"))
    assert not locked(attempt("10.0.0.1", "editor", "typo"))  # counting starts again after a success


def test_the_django_admin_login_is_throttled_too_and_a_superuser_unlocks_from_the_admin(users):
    from axes.models import AccessAttempt
    from django.contrib.auth.models import Permission

    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("10.0.0.5", "reviewer", "guess", url="/django-admin/login/")
    assert locked(attempt("10.0.0.5", "reviewer", "staple-correct", url="/django-admin/login/"))
    assert locked(attempt("10.0.0.6", "reviewer", "staple-correct"))  # one count for both logins

    admin = Client(REMOTE_ADDR="10.0.0.7")
    admin.force_login(users["editor"])
    assert "Login lockouts" in admin.get("/admin/").content.decode()
    listing = admin.get("/django-admin/axes/accessattempt/").content.decode()
    assert "10.0.0.5" in listing and "Locked Out" in listing
    attempt_ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    admin.post("/django-admin/axes/accessattempt/",
               {"action": "delete_selected", "_selected_action": attempt_ids, "post": "yes"})
    assert not AccessAttempt.objects.exists()
    assert signed_in(attempt("10.0.0.5", "reviewer", "staple-correct"))

    users["reviewer"].user_permissions.add(Permission.objects.get(codename="access_admin"))
    reviewer = Client()
    reviewer.force_login(users["reviewer"])
    dashboard = reviewer.get("/admin/")
    assert dashboard.status_code == 200 and "Login lockouts" not in dashboard.content.decode()


def test_client_address_behind_a_trusted_proxy(settings):
    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_ip(spoofed) == "203.0.113.9"  # no proxy trusted: the header is ignored

    settings.EPITOPE_TRUSTED_PROXIES = ["127.0.0.1", "10.1.0.0/16"]
    assert client_ip(spoofed) == "203.0.113.9"  # not from a trusted proxy
    behind = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7, 10.1.2.3")
    assert client_ip(behind) == "198.51.100.7"  # "1.2.3.4" was written by the client itself
    assert client_ip(factory.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
    garbage = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="unknown, <script>")
    assert client_ip(garbage) == "127.0.0.1"


def test_each_client_behind_the_proxy_is_counted_on_its_own(users, settings):
    settings.EPITOPE_TRUSTED_PROXIES = ["127.0.0.1"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("127.0.0.1", "nobody", "guess", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert locked(attempt("127.0.0.1", "reviewer", "staple-correct", HTTP_X_FORWARDED_FOR="198.51.100.1"))
    assert signed_in(attempt("127.0.0.1", "reviewer", "staple-correct", HTTP_X_FORWARDED_FOR="198.51.100.2"))
