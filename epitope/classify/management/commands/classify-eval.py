"""`epitope classify-eval [PATH...]`: score the classifier against labels from the sources' index terms."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from epitope.classify.cancer_eval import evaluate_records, format_cancer_types
from epitope.classify.evaluate import (
    default_datasets, evaluate, format_table, format_targets, load_records, trained_on, uses_label_rule,
)
from epitope.ingest.records import IngestError


class Command(BaseCommand):
    help = ("Print precision, recall, F1 and support per facet on real PubMed, Europe PMC and "
            "ClinicalTrials.gov records (index terms hidden from the classifier): tuning and held-out sets.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*",
                            help="files or folders of PubMed XML / Europe PMC / ClinicalTrials.gov v2 JSON")
        parser.add_argument("--errors", action="store_true", help="list every miss and false alarm")
        parser.add_argument("--by-concept", action="store_true", help="add a row per concept under each facet")
        parser.add_argument("--label-rule", action="store_true",
                            help="take relevance gold from the documented MEDLINE label rule (automatic for "
                                 "files named medline* or pubmedYYnNNNN*)")

    def handle(self, *args, paths=(), errors=False, by_concept=False, label_rule=False, **options):
        datasets = [(", ".join(paths), list(paths))] if paths else default_datasets(Path(settings.BASE_DIR))
        results = []
        for name, files in datasets:
            try:
                records = load_records(files)
                rule = label_rule or uses_label_rule(files)
                in_training = trained_on(files)
            except (OSError, IngestError) as exc:
                raise CommandError(str(exc)) from None
            result = evaluate(records, name=name, use_label_rule=rule)
            result.in_training = in_training
            results.append(result)
            self.stdout.write(format_table(result, by_concept=by_concept) + "\n")
            # Cancer type against the MeSH neoplasm headings, micro and macro (see cancer_eval).
            self.stdout.write(format_cancer_types(evaluate_records(records), by_concept=by_concept) + "\n")
            if errors and result.errors:
                self.stdout.write("\n".join("  " + e for e in result.errors) + "\n")
            self.stdout.write("\n")
        self.stdout.write(format_targets(results) + "\n")
