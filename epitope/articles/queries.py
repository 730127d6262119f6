"""Which articles a listing shows, in what order, and what its cards read. Plain functions, no HTTP.

`ArticleQuerySet` is `ArticlePage.objects`' queryset: its methods take the model from the
queryset, so the page models can use them without this module importing them.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from wagtail.query import PageQuerySet

from epitope.classify.models import StoredClassification
from epitope.pagecache.routes import public, restricted_paths

from .cards import Card

# Newest first; the page id breaks ties between stories of the same day, most recently created first.
NEWEST_FIRST = ("-date", "-pk")


class ArticleQuerySet(PageQuerySet):
    def listed(self, article_type=""):
        """Return the live, public articles (of one type, if given), newest first."""
        qs = public(self.live())
        if article_type:
            qs = qs.filter(article_type=article_type)
        return qs.order_by(*NEWEST_FIRST)

    def listed_in(self, topic_ids, article_type=""):
        """Return the live, public articles in any of the topics (of one type, if given), newest first.

        A subquery on the through table rather than a join keeps one row per article, so no
        DISTINCT is needed and the ordering index can be used.
        """
        through = self.model.topics.through
        qs = public(self.live()).filter(pk__in=through.objects.filter(topic_id__in=topic_ids).values("articlepage_id"))
        if article_type:
            qs = qs.filter(article_type=article_type)
        return qs.order_by(*NEWEST_FIRST)


def card_queryset(qs):
    """Load what a card shows in one query, whatever the page size.

    The evidence badge ("Phase 1 trial", "Mouse study") comes from the stored classification
    as a subquery of the card query itself. The picture comes from the fragment cache
    (`articles.cards.card_pictures`), so images and renditions are loaded only for a picture
    not rendered yet.
    """
    badge = StoredClassification.objects.filter(
        content_type=ContentType.objects.get_for_model(qs.model),
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    ).values("evidence_badge")[:1]
    return qs.defer_streamfields().annotate(evidence_badge=Subquery(badge))


def card_rows(qs):
    """`card_queryset(qs)` as rows of `articles.cards.Card.COLUMNS`: what `Card.rows` reads."""
    return card_queryset(qs).values_list(*Card.COLUMNS)


def listing_key(model, topic_ids, article_type="", chosen=None):
    """Return what the SQL of a listing of `model` pages depends on, as a `pagecache.prepared` key.

    The topic ids, type and filters asked for, the content type ids the filters and badges
    read, and whether any view restriction exists (`routes.public` adds its query only then).
    """
    return (
        tuple(topic_ids), article_type or "", tuple(sorted((chosen or {}).items())),
        ContentType.objects.get_for_model(model).pk, restricted_paths(),
    )
