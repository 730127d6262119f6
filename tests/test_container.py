"""The container files, checked as far as a machine without a container engine can.

No engine runs here, so the image is never built in the suite. What keeps it honest: its build
runs docker/build-wheel.sh and docker/install-wheel.sh, which tests/test_package.py runs for real
(wheel built, installed in a fresh venv, demo and server fetched over HTTP); and what a reader of
Dockerfile and compose.yaml could get wrong is checked here: the user, the probes, the wiring
of web and worker to PostgreSQL and Redis, the volumes, the build context.
"""

import fnmatch
import json
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from epitope.cli import read_env_file

ROOT = Path(__file__).resolve().parent.parent


def dockerfile_stages():
    """Return the Dockerfile as a list of stages, each a list of (INSTRUCTION, argument text)."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    stages = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, rest = line.partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((instruction.upper(), rest.strip()))
    return stages


def interpolate(text, environ):
    """Fill in ${NAME}, ${NAME:-default} and ${NAME:?error} as compose does from its .env file."""

    def value(match):
        name, op, word = match.group(1), match.group(2), match.group(3)
        if environ.get(name):
            return environ[name]
        if op == ":?":
            raise KeyError(f"{name}: {word}")
        return word or ""

    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", value, text)


def compose(environ=None):
    text = (ROOT / "compose.yaml").read_text()
    return yaml.safe_load(interpolate(text, {"POSTGRES_PASSWORD": "pw-from-dotenv"} if environ is None else environ))


def test_the_image_is_built_in_two_stages_by_the_scripts_the_package_test_runs():
    build, runtime = dockerfile_stages()
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", (ROOT / "Dockerfile").read_text(), re.M).group(1)
    assert base.startswith("python:3.11-slim")
    assert build[0][1] == "${PYTHON_IMAGE} AS build" and runtime[0][1] == "${PYTHON_IMAGE}"
    runs = " ".join(arg for instruction, arg in build if instruction == "RUN")
    assert "sh docker/build-wheel.sh" in runs and "sh docker/install-wheel.sh" in runs
    for script in ("build-wheel.sh", "install-wheel.sh"):
        assert (ROOT / "docker" / script).is_file()
    # The runtime stage gets the installed venv only: no compiler, no source, no build tools.
    copies = [arg for instruction, arg in runtime if instruction == "COPY"]
    assert copies == ["--from=build /opt/epitope /opt/epitope"]


def test_the_image_runs_as_an_unprivileged_user_serves_by_default_and_probes_healthz():
    runtime = dockerfile_stages()[-1]
    instructions = [instruction for instruction, _ in runtime]
    users = [arg for instruction, arg in runtime if instruction == "USER"]
    assert users and users[-1] not in ("root", "0", "0:0")
    assert instructions.index("USER") < instructions.index("CMD")
    assert json.loads(dict(runtime)["CMD"])[:2] == ["epitope", "serve"]
    assert "/healthz" in dict(runtime)["HEALTHCHECK"]
    env = dict(runtime)["ENV"]
    assert "EPITOPE_PROFILE=production" in env and "EPITOPE_VAR_DIR=/var/lib/epitope" in env


def test_web_and_worker_run_one_image_wired_to_postgres_and_redis():
    services = compose()["services"]
    web, worker = services["web"], services["worker"]
    assert web["image"] == worker["image"] and "build" in web
    assert worker["command"] == ["epitope", "worker"]
    assert web["command"][:2] == ["epitope", "serve"] and "--migrate" in web["command"]
    postgres = services["postgres"]["environment"]
    for service in (web, worker):
        assert service["env_file"] == "epitope.env"
        database = urlsplit(service["environment"]["DATABASE_URL"])
        assert database.scheme == "postgres" and database.hostname == "postgres"
        assert database.username == postgres["POSTGRES_USER"] and database.path == "/" + postgres["POSTGRES_DB"]
        assert database.password == postgres["POSTGRES_PASSWORD"] == "pw-from-dotenv"
        assert urlsplit(service["environment"]["REDIS_URL"]).hostname == "redis"
    assert services["postgres"]["image"].startswith("postgres:") and services["redis"]["image"].startswith("redis:")


def test_compose_refuses_to_start_without_the_database_password():
    with pytest.raises(KeyError, match="POSTGRES_PASSWORD: set POSTGRES_PASSWORD in .env"):
        compose(environ={})
    assert compose()["services"]["web"]["image"] == "epitope:local"


def test_media_and_var_live_in_volumes_shared_by_web_and_worker():
    document = compose()
    env = dict(dockerfile_stages()[-1])["ENV"]
    media_root = next(part.split("=")[1] for part in shlex.split(env) if part.startswith("EPITOPE_MEDIA_ROOT="))
    for name in ("web", "worker"):
        mounts = dict(volume.split(":")[::-1] for volume in document["services"][name]["volumes"])
        assert mounts[media_root] in document["volumes"] and mounts["/var/lib/epitope"] in document["volumes"]


def test_every_service_has_a_healthcheck_and_starts_after_what_it_needs():
    services = compose()["services"]
    for name, service in services.items():
        assert service["healthcheck"]["test"][0] == "CMD", name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["worker"]["healthcheck"]["test"][1:3] == ["epitope", "healthcheck"]
    assert services["web"]["depends_on"] == {"postgres": {"condition": "service_healthy"},
                                             "redis": {"condition": "service_healthy"}}
    assert services["worker"]["depends_on"] == {"web": {"condition": "service_healthy"}}


def test_the_build_context_keeps_what_the_build_needs_and_no_secret():
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]

    def ignored(name):
        return any(fnmatch.fnmatch(name, pattern.removeprefix("**/")) for pattern in patterns)

    for needed in ("pyproject.toml", "setup.py", "README.md", "LICENSE", "requirements.txt", "docker", "epitope"):
        assert (ROOT / needed).exists() and not ignored(needed), needed
    for left_out in (".venv", "node_modules", "var", "epitope.env", ".env", ".git"):
        assert ignored(left_out), left_out


def test_the_example_environment_file_reads_as_epitope_reads_it():
    values = read_env_file(ROOT / "docker" / "epitope.env.example")
    assert values["EPITOPE_SECRET_KEY"] and values["EPITOPE_ALLOWED_HOSTS"]
    assert "DATABASE_URL" not in values and "REDIS_URL" not in values  # compose.yaml sets them


@pytest.mark.django_db
def test_healthcheck_command_passes_when_database_and_cache_answer(capsys):
    call_command("healthcheck")
    assert json.loads(capsys.readouterr().out) == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_healthcheck_command_fails_naming_the_part_that_is_down(settings, capsys):
    closed = "redis://127.0.0.1:9/0"  # the discard port: nothing listens on loopback
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                                      "LOCATION": closed}}
    with pytest.raises(CommandError, match="unhealthy: cache unreachable"):
        call_command("healthcheck")
    assert json.loads(capsys.readouterr().out)["cache"] == "unreachable"


def test_compose_lets_the_server_finish_its_stop_before_killing_it():
    # `epitope serve` waits --kill-timeout for requests, then kills what is left 5 s later;
    # compose's default 10 s grace would SIGKILL it halfway and cut requests off.
    from epitope.pagecache.management.commands.serve import default_kill_timeout

    web = compose()["services"]["web"]
    grace = re.fullmatch(r"(\d+)s", web["stop_grace_period"])
    assert grace and int(grace.group(1)) > default_kill_timeout() + 5
