"""`epitope demo`: migrate, load the demo content, print the local admin login, serve."""

import subprocess
import sys
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from epitope.demo.admin_login import ensure_admin
from epitope.demo.loader import load_demo, warm_card_renditions


class Command(BaseCommand):
    help = "Set up the demo site (idempotent) and serve it locally."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to serve on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to serve on (default 8000).")
        parser.add_argument("--no-serve", action="store_true", help="Set up the demo, then exit.")

    def handle(self, *args, host, port, no_serve, **options):
        verbosity = options["verbosity"]
        try:
            settings.VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite needs its directory
        except OSError as exc:
            raise CommandError(
                f"cannot create the data folder {settings.VAR_DIR}: {exc.strerror}; "
                "set EPITOPE_VAR_DIR to a folder this user may write"
            ) from None
        self.stdout.write(f"Data folder: {settings.VAR_DIR}")
        self.stdout.write("Preparing the database and demo content…")
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0), stdout=self.stdout)
        with transaction.atomic():
            created = load_demo(hostname=_site_hostname(host), port=port)
            login = ensure_admin(settings.VAR_DIR / "demo-admin.txt")
        if created:
            self.stdout.write(
                f"Demo content: created {len(created.topics)} topics, {len(created.pages)} pages, "
                f"{len(created.images)} images."
            )
        else:
            self.stdout.write("Demo content: already loaded, nothing to create.")
        # Publishing queued search-index and reference-index updates; run them now so search works.
        call_command("worker", "--once", stdout=StringIO())
        if not no_serve:
            self.stdout.write("Rendering card images (only the first run takes a while)…")
            warm_card_renditions()
        address = f"http://{_url_host(host)}:{port}"
        self.stdout.write(f"Site:  {address}/")
        if login.works:
            self.stdout.write(f"Admin: {address}/admin/  user: {login.username}  password: {login.password}")
        else:
            self.stdout.write(
                f"Admin: {address}/admin/  user: {login.username}  (its password was changed; "
                f"reset it with `epitope changepassword {login.username}`)"
            )
        self.stdout.write("The admin account exists only in this machine's local database.")
        if not no_serve:
            # The worker indexes what editors publish, purges caches, publishes scheduled pages.
            worker = subprocess.Popen([sys.executable, "-m", "epitope.cli", "worker", "--interval", "5"])
            try:
                # No autoreloader: it would re-run this whole command (migrate, load) in a child process.
                call_command("runserver", f"{_url_host(host)}:{port}", use_reloader=False)
            finally:
                worker.terminate()
                worker.wait(timeout=30)


def _site_hostname(host):
    return "localhost" if host in ("127.0.0.1", "0.0.0.0", "::", "::1") else host


def _url_host(host):
    return f"[{host}]" if ":" in host else host
