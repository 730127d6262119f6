"""The topic hub page, with its research and trends pages as routes of it.

`Topic` (the tree the hubs are built on) is defined in `taxonomy` and imported here, so
`epitope.topics.models.Topic` keeps working.
"""

from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from epitope.core.paging import PageNotFound
from epitope.pagecache.routes import view_restrictions

from . import hub, page_cache, trends
from .taxonomy import Topic

__all__ = ["Topic", "TopicPage"]


class TopicPage(RoutablePageMixin, Page):
    """A topic hub: cards of every article in this topic or any topic under it, newest first.

    Its routes: `research/` (every relevant research item, paged and filterable), `trends/`
    (monthly charts) and `trends.csv` (their data).
    """

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
        return view_restrictions(self, super().get_view_restrictions)

    def cache_tags(self):
        return page_cache.hub_tags(self)

    @classmethod
    def pages_to_purge(cls, tags):
        return cls.objects.live().filter(topic_id__in=page_cache.listed_topic_ids(tags))

    def get_cached_paths(self):
        return page_cache.hub_paths(self)

    def route(self, request, path_components):
        # The hub itself is routed as a plain page, with no view in the route's arguments: the
        # page cache stores, and the route memo remembers, only such routes (pagecache.middleware,
        # pagecache.routes). Its sub-pages go through RoutablePageMixin.
        if not path_components:
            return Page.route(self, request, path_components)
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        try:
            context.update(hub.hub_listing(self.topic, request.GET))
        except PageNotFound as exc:
            raise Http404(str(exc)) from exc
        return context

    @property
    def display_title(self):
        return self.heading or self.title

    @path("research/", name="research")
    @method_decorator(require_safe)
    def research_page(self, request):
        """Every public, relevant research item of the hub's topics, paged and filterable."""
        try:
            context = hub.research_listing(self.topic, request.GET)
        except PageNotFound as exc:
            raise Http404(str(exc)) from exc
        context["hub"] = self
        return render(request, "topics/research.html", context)

    @path("trends/", name="trends")
    @method_decorator(require_safe)
    def trends_page(self, request):
        data = trends.hub_trends(self.topic)
        charts = [(trend, trends.chart(trend)) for trend in data]
        return render(request, "topics/trends.html", {"hub": self, "charts": charts})

    # RoutablePageMixin matches the path with a "/" appended, so this route answers
    # /<hub>/trends.csv (which epitope.urls hands to Wagtail), not /<hub>/trends.csv/.
    @path("trends.csv/", name="trends_csv")
    @method_decorator(require_safe)
    def trends_csv(self, request):
        data = trends.to_csv(trends.hub_trends(self.topic))
        response = HttpResponse(data, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{self.slug}-trends.csv"'
        return response
