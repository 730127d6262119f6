from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Page

from epitope.articles.cards import Card
from epitope.articles.models import ArticlePage
from epitope.articles.queries import NEWEST_FIRST, card_rows
from epitope.pagecache.cache_tags import ListsLatest
from epitope.topics.models import TopicPage


class EpitopeImage(AbstractImage):
    """An image with the caption and credit a news hero needs.

    Wagtail's own `description` field is the alt text; it may be blank on upload (bulk uploads
    cannot ask for it) but an article that uses the image cannot be published until it is set.
    """

    caption = models.CharField(max_length=255, blank=True)
    credit = models.CharField(max_length=255, blank=True)

    admin_form_fields = Image.admin_form_fields + ("caption", "credit")

    @property
    def alt_text(self):
        return self.description.strip()


class EpitopeRendition(AbstractRendition):
    image = models.ForeignKey(EpitopeImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class HomePage(ListsLatest, Page):
    """The site root (`/`): leads to the topic hubs and the latest stories."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])
    latest_count = models.PositiveSmallIntegerField(default=6)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("latest_count")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["topics.TopicPage", "articles.ArticleIndexPage", "articles.AuthorIndexPage", "privacy.PolicyPage"]
    template = "core/home_page.html"
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        latest = ArticlePage.objects.live().public().order_by(*NEWEST_FIRST)
        context["latest"] = Card.rows(card_rows(latest)[: self.latest_count])
        context["hubs"] = list(
            TopicPage.objects.child_of(self).live().public().select_related("topic").order_by("path")
        )
        return context
