"""`epitope purge-pages [--cdn]`: forget every cached page, e.g. after a deploy changed templates."""

from django.core.management.base import BaseCommand

from epitope.pagecache import cache, frontend_purge


class Command(BaseCommand):
    help = "Invalidate every page in the page cache (and with --cdn, purge every public URL from the CDN)."

    def add_arguments(self, parser):
        parser.add_argument("--cdn", action="store_true", help="Also purge every public page from the CDN.")

    def handle(self, *args, cdn=False, **options):
        cache.bump({cache.GLOBAL})
        if cdn:
            frontend_purge.purge(frontend_purge.urls_for_everything())
        if options["verbosity"]:
            self.stdout.write("Page cache purged" + (" (and the CDN)." if cdn else "."))
