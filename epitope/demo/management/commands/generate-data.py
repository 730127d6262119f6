"""`epitope generate-data --articles N --items N --clusters-ratio R --seed S`: synthetic data for benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError

from epitope.commands import EXIT_USAGE
from epitope.demo import synthetic


class Command(BaseCommand):
    help = ("Add synthetic published articles, ingested items and story clusters (for benchmarks; "
            "never on a site readers use).")

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000, help="live articles to add (default 1000)")
        parser.add_argument("--items", type=int, default=10000, help="ingested items to add (default 10000)")
        parser.add_argument("--clusters-ratio", type=float, default=0.7, metavar="R",
                            help="stories per item, 0-1: 1 makes every item its own story (default 0.7)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed writes the same data")
        parser.add_argument("--quiet", action="store_true", help="no progress lines")

    def handle(self, *args, articles, items, clusters_ratio, seed, quiet, **options):
        if articles < 0 or items < 0:
            raise CommandError("--articles and --items must be zero or more.", returncode=EXIT_USAGE)
        if not 0 < clusters_ratio <= 1:
            raise CommandError("--clusters-ratio must be above 0 and at most 1.", returncode=EXIT_USAGE)
        started = time.monotonic()
        say = None if quiet else (lambda message: self.stderr.write(f"  {message}"))
        done = synthetic.generate(articles=articles, items=items, clusters_ratio=clusters_ratio, seed=seed,
                                  progress=say)
        self.stdout.write(
            f"Added {done.articles} articles, {done.items} items in {done.clusters} clusters "
            f"from {done.sources} sources ({done.images} shared images) in {time.monotonic() - started:.1f}s."
        )
