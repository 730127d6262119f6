"""`epitope classify-eval [PATH...]`: score the classifier against MeSH-derived labels."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from epitope.classify.evaluate import default_datasets, evaluate, format_table, format_targets, load_records


class Command(BaseCommand):
    help = "Print precision, recall and F1 per facet on real PubMed / Europe PMC records (MeSH hidden)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="files or folders of PubMed XML / Europe PMC JSON")
        parser.add_argument("--errors", action="store_true", help="list every miss and false alarm")

    def handle(self, *args, paths=(), errors=False, **options):
        datasets = [(", ".join(paths), list(paths))] if paths else default_datasets(Path(settings.BASE_DIR))
        results = []
        for name, files in datasets:
            result = evaluate(load_records(files), name=name)
            results.append(result)
            self.stdout.write(format_table(result) + "\n")
            if errors and result.errors:
                self.stdout.write("\n".join("  " + e for e in result.errors) + "\n")
            self.stdout.write("\n")
        self.stdout.write(format_targets(results) + "\n")
