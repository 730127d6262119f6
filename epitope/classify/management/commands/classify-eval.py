"""`epitope classify-eval [PATH...] [--json]`: score the classifier against labels from the sources' index terms.

`--json` prints the same figures as one document {"datasets": [...]} (eval_json). Exit status
2 for a path that does not exist, 1 for a file that cannot be read.
"""

import json as json_module
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from epitope.classify import eval_json
from epitope.classify.cancer_eval import evaluate_records, format_cancer_types
from epitope.classify.evaluate import (
    default_datasets, evaluate, format_table, format_targets, load_records, trained_on, uses_label_rule,
)
from epitope.commands import EXIT_FAILED, EXIT_USAGE
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
        parser.add_argument("--json", action="store_true", help="print the figures as one JSON document")

    def handle(self, *args, paths=(), errors=False, by_concept=False, label_rule=False, json=False,
               **options):
        datasets = [(", ".join(paths), list(paths))] if paths else default_datasets(Path(settings.BASE_DIR))
        results, documents = [], []
        for name, files in datasets:
            try:
                records = load_records(files)
                rule = label_rule or uses_label_rule(files)
                in_training = trained_on(files)
            except FileNotFoundError as exc:
                raise CommandError(str(exc), returncode=EXIT_USAGE) from None
            except (OSError, IngestError) as exc:
                raise CommandError(str(exc), returncode=EXIT_FAILED) from None
            result = evaluate(records, name=name, use_label_rule=rule)
            result.in_training = in_training
            results.append(result)
            if json:
                documents.append(eval_json.dataset(result, evaluate_records(records), by_concept, errors))
                continue
            self.stdout.write(format_table(result, by_concept=by_concept) + "\n")
            # Cancer type against the MeSH neoplasm headings, micro and macro (see cancer_eval).
            self.stdout.write(format_cancer_types(evaluate_records(records), by_concept=by_concept) + "\n")
            if errors and result.errors:
                self.stdout.write("\n".join("  " + e for e in result.errors) + "\n")
            self.stdout.write("\n")
        if json:
            self.stdout.write(json_module.dumps({"datasets": documents}, indent=2))
            return
        self.stdout.write(format_targets(results) + "\n")
