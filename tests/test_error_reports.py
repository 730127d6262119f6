"""Error reports: a 500 under the production settings is mailed to EPITOPE_ADMINS over real SMTP."""

import os
import subprocess
import sys
import textwrap
from importlib.util import find_spec

import pytest
from django.core.exceptions import ImproperlyConfigured

from epitope.settings.error_reports import admins, init_sentry
from tests.newsletter_support import RecordingHandler, free_port

# A request in a process of its own with the production settings, against a database that was
# never migrated: the home page's first query fails, as it would after a forgotten `migrate`.
REQUEST_THE_HOME_PAGE = textwrap.dedent("""
    import django
    django.setup()
    from django.test import Client
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="news.example.org")
    print(response.status_code)
""")


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, handler
    controller.stop()


def production_env(tmp_path, **extra):
    dropped = ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPITOPE_") and k not in dropped}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "epitope.settings.production",
        "EPITOPE_SECRET_KEY": "error-report-test-secret-not-used-elsewhere-0123456789",
        "EPITOPE_ALLOWED_HOSTS": "news.example.org",
        "EPITOPE_INSECURE_HTTP": "1",
        "EPITOPE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}",
        **extra,
    }


def test_a_server_error_in_production_is_mailed_to_the_admins(smtp, tmp_path):
    port, handler = smtp
    env = production_env(
        tmp_path,
        EPITOPE_ADMINS="Ops <ops@example.org>, oncall@example.org",
        EPITOPE_EMAIL_HOST="127.0.0.1", EPITOPE_EMAIL_PORT=str(port), EPITOPE_EMAIL_TLS="0",
        EPITOPE_SERVER_EMAIL="errors@news.example.org",
    )
    result = subprocess.run([sys.executable, "-c", REQUEST_THE_HOME_PAGE], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "500", result.stderr
    assert len(handler.messages) == 1
    recipients, message = handler.messages[0]
    assert sorted(recipients) == ["oncall@example.org", "ops@example.org"]
    assert message["From"] == "errors@news.example.org"
    assert message["Subject"].startswith("[Epitope] ERROR") and "Internal Server Error: /" in message["Subject"]
    assert "no such table" in message.get_body(preferencelist=("plain",)).get_content()


def test_without_admins_a_server_error_mails_no_one(smtp, tmp_path):
    port, handler = smtp
    env = production_env(tmp_path, EPITOPE_EMAIL_HOST="127.0.0.1", EPITOPE_EMAIL_PORT=str(port), EPITOPE_EMAIL_TLS="0")
    result = subprocess.run([sys.executable, "-c", REQUEST_THE_HOME_PAGE], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "500", result.stderr
    assert handler.messages == []


def test_admin_addresses_are_read_as_mail_headers_and_nonsense_is_refused():
    assert admins({"EPITOPE_ADMINS": "Ops <ops@example.org>, dev@example.org,"}) == [
        ("Ops", "ops@example.org"), ("dev@example.org", "dev@example.org")]
    assert admins({}) == []
    for bad in ("ops at example.org", "ops@", "@example.org"):
        with pytest.raises(ImproperlyConfigured, match="EPITOPE_ADMINS"):
            admins({"EPITOPE_ADMINS": bad})


def test_sentry_starts_only_with_a_dsn():
    assert init_sentry({}, release="0.1.0") is False


@pytest.mark.skipif(find_spec("sentry_sdk") is not None, reason="sentry-sdk is installed here")
def test_a_sentry_dsn_without_the_sdk_names_the_extra_to_install():
    with pytest.raises(ImproperlyConfigured, match=r"pip install 'epitope\[sentry\]'"):
        init_sentry({"EPITOPE_SENTRY_DSN": "https://key@sentry.example.org/1"}, release="0.1.0")
