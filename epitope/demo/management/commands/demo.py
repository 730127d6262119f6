"""`epitope demo`: migrate, load the demo content, print the local admin login, serve."""

import os
import subprocess
import sys
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from epitope.demo import outbox
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
        # One address for everything the site says about itself (canonical links, feeds, images,
        # JSON-LD, robots.txt, mails): the one this run serves on, as the Site and the base URL.
        address = f"http://{_site_hostname(host)}:{port}"
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
        self.stdout.write(f"Site:  {address}/")
        if login.works:
            self.stdout.write(f"Admin: {address}/admin/  user: {login.username}  password: {login.password}")
        else:
            self.stdout.write(
                f"Admin: {address}/admin/  user: {login.username}  (its password was changed; "
                f"reset it with `epitope changepassword {login.username}`)"
            )
        self.stdout.write("The admin account exists only in this machine's local database.")
        if outbox.enabled() and not no_serve:  # `make serve` sends mail with the production settings
            self.stdout.write(f"Mail:  kept, not sent: {address}/admin/outbox/ and {outbox.folder()}")
        if not no_serve:
            # The worker indexes what editors publish, purges caches, publishes scheduled pages.
            # Wagtail's own mails (moderation) name the same address as the Site.
            settings.WAGTAILADMIN_BASE_URL = address
            worker = subprocess.Popen(
                [sys.executable, "-m", "epitope.cli", "worker", "--interval", "5"],
                env={**os.environ, "EPITOPE_BASE_URL": address},
            )
            try:
                # No autoreloader: it would re-run this whole command (migrate, load) in a child process.
                call_command("runserver", f"{_url_host(host)}:{port}", use_reloader=False)
            finally:
                worker.terminate()
                worker.wait(timeout=30)


def _site_hostname(host):
    """Return the name a browser on this machine reaches the server by.

    An IPv4 server (runserver's default) answers 127.0.0.1, which "localhost" may not reach when
    it resolves to ::1 first; a Wagtail Site cannot hold a bracketed IPv6 literal.
    """
    if host == "0.0.0.0":
        return "127.0.0.1"
    return "localhost" if ":" in host else host


def _url_host(host):
    return f"[{host}]" if ":" in host else host
