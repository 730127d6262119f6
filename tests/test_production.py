"""Production settings: deploy checks pass, secrets are required, public pages carry security headers."""

import importlib
import os
import secrets
import subprocess
import sys

import pytest

from epitope.pagecache.management.commands import serve
from tests import factories as f

PRODUCTION = "epitope.settings.production"


def run_epitope(args, tmp_path, **env_overrides):
    # A clean environment: nothing Epitope-specific, and not the test suite's async override.
    dropped = ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPITOPE_") and k not in dropped}
    env.update(DJANGO_SETTINGS_MODULE=PRODUCTION, EPITOPE_VAR_DIR=str(tmp_path), **env_overrides)
    return subprocess.run([sys.executable, "-m", "epitope.cli", *args], env=env, capture_output=True, text=True, timeout=300)


def test_deploy_check_passes_with_secret_and_hosts_from_the_environment(tmp_path):
    result = run_epitope(
        ["check", "--deploy", "--fail-level", "WARNING"], tmp_path,
        EPITOPE_SECRET_KEY=secrets.token_urlsafe(50), EPITOPE_ALLOWED_HOSTS="epitope.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "env, message",
    [
        ({"EPITOPE_ALLOWED_HOSTS": "epitope.example.org"}, "Set EPITOPE_SECRET_KEY"),
        ({"EPITOPE_SECRET_KEY": "x" * 50}, "Set EPITOPE_ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_secret_or_hosts(tmp_path, env, message):
    result = run_epitope(["check"], tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


@pytest.fixture
def production_settings(settings, monkeypatch, tmp_path):
    """Apply the production module's security settings (as read from a real environment) to this test."""
    monkeypatch.setenv("EPITOPE_SECRET_KEY", secrets.token_urlsafe(50))
    monkeypatch.setenv("EPITOPE_ALLOWED_HOSTS", "testserver")
    monkeypatch.setenv("EPITOPE_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("EPITOPE_INSECURE_HTTP", raising=False)
    production = importlib.reload(importlib.import_module(PRODUCTION))
    for name in dir(production):
        if name.startswith(("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_")) or name in (
            "X_FRAME_OPTIONS", "DEBUG", "ALLOWED_HOSTS", "CONTENT_SECURITY_POLICY",
        ):
            setattr(settings, name, getattr(production, name))
    return production


@pytest.mark.django_db
def test_public_pages_carry_security_headers_and_csp(client, production_settings):
    site = f.hub_site()
    f.article(site["index"], "Headers", [site["cancer"]], hero=False)
    for path in ("/", "/cancer-immunology/", "/articles/headers/"):
        response = client.get(path, secure=True)
        assert response.status_code == 200, path
        assert response["Strict-Transport-Security"].startswith("max-age=31536000")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "object-src 'none'" in csp
        assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
        assert not response.cookies  # a first visit gets no cookie at all


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(client, production_settings):
    f.hub_site()
    response = client.get("/cancer-immunology/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/cancer-immunology/"


def test_serve_fills_in_a_loopback_run_and_refuses_a_public_one_without_secrets(tmp_path):
    env = serve.server_environment("127.0.0.1", environ={}, var_dir=tmp_path)
    assert env["DJANGO_SETTINGS_MODULE"] == PRODUCTION and env["EPITOPE_INSECURE_HTTP"] == "1"
    assert env["EPITOPE_ALLOWED_HOSTS"] == "127.0.0.1,localhost"
    assert len(env["EPITOPE_SECRET_KEY"]) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by its owner only
    again = serve.server_environment("127.0.0.1", environ={}, var_dir=tmp_path)
    assert again["EPITOPE_SECRET_KEY"] == env["EPITOPE_SECRET_KEY"]
    with pytest.raises(serve.CommandError, match="EPITOPE_SECRET_KEY and EPITOPE_ALLOWED_HOSTS"):
        serve.server_environment("0.0.0.0", environ={}, var_dir=tmp_path)
    public = serve.server_environment("0.0.0.0", environ={"EPITOPE_SECRET_KEY": "s" * 50, "EPITOPE_ALLOWED_HOSTS": "a.org"})
    assert "EPITOPE_INSECURE_HTTP" not in public
