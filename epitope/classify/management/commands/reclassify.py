"""`epitope reclassify`: tag every live article and every ingested item again.

Run it after a new relevance model or a vocabulary change, or after upgrading a database that
holds content from before the classifier: saving and publishing tag new content, nothing
re-tags what is stored. Editors' tag corrections and relevance judgements still win (the store
applies them to every classification), and each lead's relevance is recomputed from its items'
new scores, since a new model may score a story lower as well as higher.

`--json` prints the same counts as one object: articles, items, leads, judgements, tag_corrections.
"""

import json as json_module

from django.core.management.base import BaseCommand

from epitope.articles.models import ArticlePage
from epitope.classify.models import Judgement, TagCorrection
from epitope.classify.store import store_classifications
from epitope.ingest.lead_tags import refresh_relevance
from epitope.ingest.models import Cluster, Item

CLUSTERS_PER_REFRESH = 500


class Command(BaseCommand):
    help = ("Classify every live article and every ingested item again (editors' corrections and "
            "relevance judgements still win), then re-rank the leads.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the counts as one JSON object")

    def handle(self, *args, json=False, **options):
        articles = store_classifications(ArticlePage.objects.live().defer_streamfields().iterator(chunk_size=500))
        items = store_classifications(Item.objects.defer("raw").iterator(chunk_size=2000), batch_size=2000)
        # The store's signal only ever raises a lead's relevance (right for new items joining a
        # story); after a new model every lead is ranked afresh.
        batch, leads = [], 0
        for cluster_id in Cluster.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=2000):
            batch.append(cluster_id)
            if len(batch) == CLUSTERS_PER_REFRESH:
                leads += refresh_relevance(batch)
                batch = []
        leads += refresh_relevance(batch)
        done = {"articles": articles, "items": items, "leads": leads,
                "judgements": Judgement.objects.count(), "tag_corrections": TagCorrection.objects.count()}
        if json:
            self.stdout.write(json_module.dumps(done, indent=2))
            return
        self.stdout.write(f"Classified {articles} articles and {items} ingested items; re-ranked {leads} leads. "
                          f"Kept {done['judgements']} relevance judgements and "
                          f"{done['tag_corrections']} tag corrections.")
