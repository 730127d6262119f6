"""`epitope reclassify`: tag every live article and every ingested item again.

Run it after upgrading a database that holds content from before the classifier, or after a
vocabulary change: saving and publishing tag new content, nothing re-tags what is stored.
"""

from django.core.management.base import BaseCommand

from epitope.classify.store import store_classifications


class Command(BaseCommand):
    help = "Classify every live article and every ingested item again (corrections still win)."

    def handle(self, *args, **options):
        from epitope.articles.models import ArticlePage
        from epitope.ingest.models import Item

        articles = store_classifications(ArticlePage.objects.live().defer_streamfields().iterator(chunk_size=500))
        items = store_classifications(Item.objects.defer("raw").iterator(chunk_size=2000), batch_size=2000)
        self.stdout.write(f"Classified {articles} articles and {items} ingested items.")
