"""`epitope serve`: the production server — granian with the production settings.

    epitope serve [--host 127.0.0.1] [--port 8000] [--workers N] [--threads N]

It collects static files (WhiteNoise serves them compressed, with far-future cache headers),
empties the page cache, then runs granian (a Rust HTTP server: parsing, keep-alive and socket
writes happen outside Python and the GIL) serving the WSGI app `epitope.pagecache.serving:application`,
and stays as its supervisor (epitope.pagecache.supervisor): SIGTERM or SIGINT (Ctrl-C) stops granian
and its workers, killed if still running --kill-timeout seconds (30) plus a margin later.
Secrets and hosts come from the environment (EPITOPE_SECRET_KEY, EPITOPE_ALLOWED_HOSTS).
On a loopback address only, it fills in what a local run lacks: a throwaway secret kept in
var/secret_key, 127.0.0.1/localhost as allowed hosts, plain HTTP (EPITOPE_INSECURE_HTTP=1,
no TLS redirect) and media served by Django.
"""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from epitope.pagecache.supervisor import supervise

PRODUCTION_SETTINGS = "epitope.settings.production"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def default_workers():
    # Rendering is CPU-bound Python: one process per core. The HTTP side runs in Rust threads
    # that take little CPU, so an extra process would only compete with the others for it.
    return os.cpu_count() or 1


def default_threads():
    # Python threads per process that run the app: enough to overlap database waits, few
    # enough that the GIL does not make a fast page wait behind slow ones.
    return 2


def throwaway_secret(var_dir):
    """Return the local secret in var/secret_key, creating it (readable by us only) if needed."""
    path = Path(var_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def server_environment(host, environ=None, var_dir=None):
    """Return the environment the production server runs with, refusing what it cannot default."""
    env = dict(os.environ if environ is None else environ)
    env["DJANGO_SETTINGS_MODULE"] = PRODUCTION_SETTINGS
    if host in LOOPBACK:
        env.setdefault("EPITOPE_INSECURE_HTTP", "1")
        env.setdefault("EPITOPE_SERVE_MEDIA", "1")
        env.setdefault("EPITOPE_ALLOWED_HOSTS", "127.0.0.1,localhost")
        if not env.get("EPITOPE_SECRET_KEY"):
            env["EPITOPE_SECRET_KEY"] = throwaway_secret(var_dir or settings.VAR_DIR)
    missing = [name for name in ("EPITOPE_SECRET_KEY", "EPITOPE_ALLOWED_HOSTS") if not env.get(name)]
    if missing:
        raise CommandError(f"Set {' and '.join(missing)} in the environment to serve on {host}.", returncode=2)
    return env


def default_kill_timeout():
    # As gunicorn's graceful timeout: a request has this long to finish once a stop is asked for.
    return 30


def server_argv(host, port, workers, threads, access_log=False, app="epitope.pagecache.serving:application",
                kill_timeout=None):
    argv = [
        shutil.which("granian", path=str(Path(sys.executable).parent)) or "granian",
        "--interface", "wsgi",
        "--host", host.strip("[]"),
        "--port", str(port),
        "--workers", str(workers),
        "--blocking-threads", str(threads),
        "--http", "1",  # a TLS proxy or CDN in front speaks HTTP/2 to browsers
        "--no-ws",
        # A crashed worker is replaced. Workers leave granian's process group (see
        # epitope.pagecache.serving.detach_granian_worker), so a stop signal to the group reaches
        # granian alone, which stops them; it is not mistaken for crashes to respawn.
        "--respawn-failed-workers",
        # A stuck request cannot hold a stop: granian kills a worker still running after it.
        "--workers-kill-timeout", str(default_kill_timeout() if kill_timeout is None else kill_timeout),
        "--log-level", "warning",
    ]
    if access_log:
        argv.append("--access-log")
    return [*argv, app]


class Command(BaseCommand):
    help = "Run the production server (granian, production settings) after collecting static files."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=default_workers())
        parser.add_argument("--threads", type=int, default=default_threads())
        parser.add_argument("--no-collectstatic", action="store_true", help="Static files are already collected.")
        parser.add_argument("--migrate", action="store_true", help="Apply database migrations before serving.")
        parser.add_argument("--access-log", action="store_true", help="Log every request to standard output.")
        parser.add_argument(
            "--kill-timeout", type=int, default=default_kill_timeout(),
            help="Seconds a stop waits for requests in progress before killing the workers (default 30).",
        )

    def handle(self, *args, **options):
        host = options["host"]
        if options["kill_timeout"] < 1:
            raise CommandError("--kill-timeout must be at least 1 second.", returncode=2)
        env = server_environment(host)
        manage = [sys.executable, "-m", "epitope.cli"]
        steps = []
        if not options["no_collectstatic"]:
            steps.append([*manage, "collectstatic", "--noinput", "--verbosity", "0"])
        if options["migrate"]:
            steps.append([*manage, "migrate", "--noinput", "--verbosity", "0"])
        # Pages stored by an earlier run may predate new templates or changes made under other
        # settings (`epitope demo`), so a server starts with nothing cached.
        steps.append([*manage, "purge-pages", "--verbosity", "0"])
        for step in steps:
            if subprocess.run(step, env=env).returncode != 0:
                raise CommandError(f"{step[3]} failed; nothing was served.")
        argv = server_argv(
            host, options["port"], options["workers"], options["threads"], options["access_log"],
            kill_timeout=options["kill_timeout"],
        )
        scheme = "http" if env.get("EPITOPE_INSECURE_HTTP") == "1" else "https (behind your TLS proxy)"
        self.stdout.write(f"Serving Epitope with the production settings on {scheme} {host}:{options['port']} — Ctrl-C stops it.")
        sys.stdout.flush()
        outcome = supervise(argv, env, options["kill_timeout"])
        (self.stderr if outcome.exit_code else self.stdout).write(outcome.message)
        sys.stdout.flush()
        sys.stderr.flush()
        # Nothing is left to tidy: the interpreter's own tear-down of Django and Wagtail took 2-3 s
        # of a stop on a busy 2-core host (granian itself had stopped in 0.2 s).
        os._exit(outcome.exit_code)
