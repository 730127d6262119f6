"""`/healthz` for load balancers and container healthchecks: database and cache reachable, or which is not."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.newsletter_support import free_port

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


def test_healthy_server_answers_ok_never_cached():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_answers_a_probe_by_address_whatever_the_host(settings):
    # An orchestrator probes the container's own address, not one of the site's host names.
    settings.ALLOWED_HOSTS = ["news.example.org"]
    assert Client().get("/", HTTP_HOST="10.1.2.3:8000").status_code == 400  # the site itself refuses it
    response = Client().get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_unreachable_cache_is_named_with_503(settings):
    closed = free_port()  # nothing listens there
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": f"redis://127.0.0.1:{closed}/0"},
    }
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "unreachable"}
    assert str(closed) not in response.content.decode()  # where the cache lives is not told


PROBE = """
import json, sys
from wsgiref.util import setup_testing_defaults
from epitope.pagecache.serving import application  # the app `epitope serve` runs, page-cache fast path first

environ = {"PATH_INFO": "/healthz", "HTTP_HOST": "10.1.2.3:8000", "wsgi.url_scheme": "http"}
setup_testing_defaults(environ)
answer = {}
body = b"".join(application(environ, lambda status, headers: answer.update(status=status, headers=dict(headers))))
print(json.dumps({"status": answer["status"], "cache_control": answer["headers"].get("Cache-Control"),
                  "body": json.loads(body)}))
"""


def probe(tmp_path, **env):
    dropped = ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "DATABASE_URL")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EPITOPE_") and k not in dropped}
    clean.update(
        DJANGO_SETTINGS_MODULE="epitope.settings.production", EPITOPE_VAR_DIR=str(tmp_path),
        EPITOPE_SECRET_KEY=secrets.token_urlsafe(50), EPITOPE_ALLOWED_HOSTS="news.example.org", **env,
    )
    result = subprocess.run([sys.executable, "-c", PROBE], env=clean, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1]), result.stderr


def test_production_server_answers_a_plain_http_probe_by_address(tmp_path):
    answer, _ = probe(tmp_path)  # SQLite in var/, the file cache: both reachable
    assert answer["status"].startswith("200")  # no HTTPS redirect, no 400 for the address
    assert answer["body"] == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in answer["cache_control"]


def test_production_server_names_an_unreachable_database_and_cache(tmp_path):
    db_port, redis_port = free_port(), free_port()
    answer, log = probe(
        tmp_path,
        DATABASE_URL=f"postgres://epitope:s3cret-pw@127.0.0.1:{db_port}/epitope",
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
    )
    assert answer["status"].startswith("503")
    assert answer["body"] == {"status": "error", "database": "unreachable", "cache": "unreachable"}
    assert "health: database unreachable" in log  # the operator's log says why
    assert "s3cret-pw" not in json.dumps(answer)
