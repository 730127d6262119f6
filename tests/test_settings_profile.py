"""One settings story: every `epitope` command of a deployment runs the server's production settings.

The end-to-end test runs the real command with nothing but a deployment's variables (no
DJANGO_SETTINGS_MODULE): the worker mails a due digest through a real SMTP server (aiosmtpd) and
its scheduled publishing purges pages from the Redis page cache the server reads.
"""

import os
import secrets
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import redis

from epitope import cli
from tests.newsletter_support import RecordingHandler, free_port

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("EPITOPE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_explicit_settings_module_wins():
    env = {"DJANGO_SETTINGS_MODULE": "epitope.settings.test", "EPITOPE_PROFILE": "dev", "EPITOPE_SECRET_KEY": "x"}
    assert cli.choose_settings(env, "worker")[0] == "epitope.settings.test"


@pytest.mark.parametrize(
    "env, command, module",
    [
        ({}, "worker", "epitope.settings.dev"),
        ({"EPITOPE_SECRET_KEY": "s"}, "worker", "epitope.settings.production"),
        ({"EPITOPE_SECRET_KEY": "s"}, "send-digests", "epitope.settings.production"),
        ({"EPITOPE_SECRET_KEY": "s"}, "demo", "epitope.settings.dev"),  # the demo is always local
        # serve's own process only launches steps that run with production settings; on loopback
        # it supplies the hosts production settings would refuse to start without.
        ({"EPITOPE_SECRET_KEY": "s"}, "serve", "epitope.settings.dev"),
        ({"EPITOPE_SECRET_KEY": "s", "EPITOPE_PROFILE": "dev"}, "worker", "epitope.settings.dev"),
        ({"EPITOPE_PROFILE": "Production"}, "demo", "epitope.settings.production"),
    ],
)
def test_profile_follows_the_deployment(env, command, module):
    env = dict(env)
    assert cli.choose_settings(env, command)[0] == module
    assert env["DJANGO_SETTINGS_MODULE"] == module  # what Django then reads


def test_an_unknown_profile_is_refused_without_a_traceback(tmp_path):
    result = run([sys.executable, "-m", "epitope.cli", "check"], {"EPITOPE_PROFILE": "staging"})
    assert result.returncode == 2
    assert result.stderr.strip() == "epitope: settings: EPITOPE_PROFILE must be one of production, dev, not 'staging'"


def test_the_environment_file_configures_commands_and_the_environment_wins(tmp_path):
    env_file = tmp_path / "epitope.env"
    env_file.write_text(
        "# written by the operator\nEPITOPE_SECRET_KEY='from-the-file'\nexport EPITOPE_ALLOWED_HOSTS=news.example.org\n\n"
        "EPITOPE_BASE_URL=https://file.example.org\n"
    )
    environ = {"EPITOPE_ENV_FILE": str(env_file), "EPITOPE_BASE_URL": "https://env.example.org"}
    assert cli.load_env_file(environ) == str(env_file)
    assert environ["EPITOPE_SECRET_KEY"] == "from-the-file"
    assert environ["EPITOPE_ALLOWED_HOSTS"] == "news.example.org"
    assert environ["EPITOPE_BASE_URL"] == "https://env.example.org"
    assert cli.choose_settings(environ, "worker")[0] == "epitope.settings.production"

    env_file.write_text("EPITOPE_SECRET_KEY\n")
    with pytest.raises(cli.UsageError, match=r"epitope.env:1: expected NAME=VALUE"):
        cli.load_env_file({"EPITOPE_ENV_FILE": str(env_file)})
    env_file.chmod(0)
    if not os.access(env_file, os.R_OK):  # root reads anything
        with pytest.raises(cli.UsageError, match="cannot read .*epitope.env: Permission denied"):
            cli.load_env_file({"EPITOPE_ENV_FILE": str(env_file)})
    with pytest.raises(cli.UsageError, match="is not a readable file"):
        cli.load_env_file({"EPITOPE_ENV_FILE": str(tmp_path / "missing.env")})


def test_version_is_the_package_version():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    result = run([sys.executable, "-m", "epitope.cli", "--version"], {})
    assert result.returncode == 0
    assert result.stdout == f"epitope {declared}\n" and result.stderr == ""


def run(argv, env, timeout=120):
    # Only what an operator would set: nothing of the test suite's environment that Epitope reads.
    dropped = ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "DATABASE_URL")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EPITOPE_") and k not in dropped}
    return subprocess.run(argv, env={**clean, **env}, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


IS_CACHED = """
from django.test import RequestFactory
from epitope.pagecache import cache

def is_cached(path):  # looked up as the server behind its TLS proxy does
    return cache.lookup(RequestFactory().get(path, HTTP_X_FORWARDED_PROTO="https").META) is not None
"""

SETUP = IS_CACHED + """
import datetime
from django.test import Client
from django.utils import timezone
from epitope.newsletter.models import Subscriber, Subscription
from tests import factories as f
site = f.hub_site()
yesterday = timezone.now().date() - datetime.timedelta(days=1)
story = f.article(site["index"], "Checkpoint news of yesterday", [site["cancer"]], date=yesterday, hero=False)
person = Subscriber.objects.create(email="reader@example.org")
sub = Subscription.objects.create(subscriber=person, frequency="daily", confirmed_at=timezone.now())
sub.topics.set([site["cancer"]])
story.title = "Checkpoint news, corrected"
story.save_revision(approved_go_live_at=timezone.now() - datetime.timedelta(minutes=1))
client = Client(HTTP_X_FORWARDED_PROTO="https")
for path in ("/", story.url):
    assert client.get(path).status_code == 200, path
    print("cached", path, is_cached(path))
"""

CHECK = IS_CACHED + """
for path in {paths!r}:
    print("cached", path, is_cached(path))
"""


def cache_states(output):
    """Return {path: "True"/"False"} from the `cached PATH BOOL` lines of a shell script's output."""
    return {words[1]: words[2] for line in output.splitlines() if (words := line.split())[:1] == ["cached"]}


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


def test_worker_of_a_deployment_mails_digests_and_purges_the_redis_page_cache(tmp_path, smtp):
    handler, smtp_port = smtp
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as exc:
        pytest.fail(f"this test needs the Redis server at {REDIS_URL}: {exc}")
    prefix = f"ops-profile-{secrets.token_hex(4)}"
    deployment = {
        "EPITOPE_SECRET_KEY": secrets.token_urlsafe(50),
        "EPITOPE_ALLOWED_HOSTS": "testserver",
        "EPITOPE_BASE_URL": "https://news.example.org",
        "EPITOPE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'epitope.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "EPITOPE_CACHE_PREFIX": prefix,
        "EPITOPE_EMAIL_HOST": "127.0.0.1",
        "EPITOPE_EMAIL_PORT": str(smtp_port),
        "EPITOPE_EMAIL_TLS": "0",  # the loopback SMTP server offers no STARTTLS
        "EPITOPE_FROM_EMAIL": "Epitope <digest@news.example.org>",
    }
    epitope = [sys.executable, "-m", "epitope.cli"]
    try:
        migrate = run([*epitope, "migrate", "--noinput"], deployment, timeout=300)
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
        assert "epitope: settings epitope.settings.production (EPITOPE_SECRET_KEY is set)" in migrate.stderr

        # As a deployment does before serving: the production storage serves fingerprinted files.
        static = run([*epitope, "collectstatic", "--noinput", "--verbosity", "0"], deployment, timeout=300)
        assert static.returncode == 0, static.stderr
        assert static.stderr == ""  # --verbosity 0: not even the settings line

        setup = run([*epitope, "shell", "-c", SETUP], deployment)
        assert setup.returncode == 0, setup.stderr
        cached = cache_states(setup.stdout)
        assert set(cached.values()) == {"True"}, setup.stdout  # stored in Redis by the production middleware
        assert redis.Redis.from_url(REDIS_URL).keys(f"{prefix}:pages:*")

        worker = run([*epitope, "worker", "--once"], deployment)
        assert worker.returncode == 0, worker.stdout + worker.stderr
        assert "epitope.settings.production" in worker.stderr

        # The digest went out through SMTP, not to the console.
        assert "Checkpoint news" not in worker.stdout
        [message] = handler.to("reader@example.org")
        assert "Checkpoint news" in message["Subject"] + message.get_body(preferencelist=("plain",)).get_content()
        assert message["From"] == "Epitope <digest@news.example.org>"

        # Scheduled publishing ran in the worker and purged the pages the server had stored.
        check = run([*epitope, "shell", "-c", CHECK.format(paths=list(cached))], deployment)
        assert check.returncode == 0, check.stderr
        assert cache_states(check.stdout) == dict.fromkeys(cached, "False")
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


def test_version_of_a_checkout_never_installed_comes_from_pyproject(monkeypatch):
    def not_installed(name):
        raise cli.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(cli.metadata, "version", not_installed)
    assert cli.version() == tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
