from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from . import listing, page_cache


@register_snippet
class Topic(index.Indexed, models.Model):
    """A node of the topic tree (Immunology › Cancer immunology › Cell therapy …).

    The tree is tiny (tens of nodes), so a parent pointer is enough: descendants are
    computed in Python from one query (see `listing.topic_tree`).
    """

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("parent"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        node, seen = self.parent, set()
        while node is not None:
            if node.pk == self.pk or node.pk in seen:
                raise ValidationError({"parent": "A topic cannot sit under itself."})
            seen.add(node.pk)
            node = node.parent

    def ancestors(self):
        """Return the chain of topics from the root down to this one's parent."""
        return listing.topic_tree().ancestors(self.pk)

    @property
    def hub(self):
        """Return the live hub page of this topic, or None. Free when loaded with select_related("page")."""
        try:
            page = self.page
        except TopicPage.DoesNotExist:
            return None
        return page if page.live else None


class TopicPage(Page):
    """A topic hub: cards of every article in this topic or any topic under it, newest first."""

    topic = models.OneToOneField(Topic, on_delete=models.PROTECT, related_name="page")
    heading = models.CharField(
        max_length=255, blank=True, help_text='Shown as the page title, e.g. "Cancer Immunology – News and Features".'
    )
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("topic"), FieldPanel("heading"), FieldPanel("intro")]
    parent_page_types = ["core.HomePage"]
    subpage_types = []

    template = "topics/topic_page.html"
    route_select_related = ("topic",)  # loaded with the page when routed (epitope.pagecache.routes)

    def get_view_restrictions(self):
        from epitope.pagecache.routes import view_restrictions

        return view_restrictions(self, super().get_view_restrictions)

    def cache_tags(self):
        return page_cache.hub_tags(self)

    @classmethod
    def pages_to_purge(cls, tags):
        return cls.objects.live().filter(topic_id__in=page_cache.listed_topic_ids(tags))

    def get_cached_paths(self):
        return page_cache.hub_paths(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        try:
            context.update(listing.hub_listing(self.topic, request.GET))
        except listing.PageNotFound as exc:
            raise Http404(str(exc)) from exc
        return context

    @property
    def display_title(self):
        return self.heading or self.title
