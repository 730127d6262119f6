from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page, PageManager
from wagtail.search import index

from epitope.classify.panels import ClassificationPanel
from epitope.core.paging import PageNotFound, paginate
from epitope.pagecache import prepared
from epitope.pagecache.cache_tags import ListsLatest
from epitope.pagecache.routes import public, view_restrictions
from epitope.topics.taxonomy import Topic, topic_links, topic_tree

from . import article_types, page_cache, references, story_meta
from .blocks import BodyBlock
from .cards import Card
from .forms import ArticlePageForm, AuthorPageForm
from .queries import NEWEST_FIRST, ArticleQuerySet, card_rows, listing_key


class ArticleIndexPage(ListsLatest, Page):
    """The parent of all articles (`/articles/`): every story, newest first."""

    parent_page_types = ["core.HomePage"]
    subpage_types = ["articles.ArticlePage"]
    template = "articles/article_index_page.html"

    def get_cached_paths(self):
        return page_cache.index_paths(ArticlePage.objects.live().public())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        try:
            article_type = article_types.resolve_type(request.GET.get("type"))
            qs = ArticlePage.objects.listed(article_type)
            context["cards"] = page = paginate(card_rows(qs), request.GET.get("page"))
            page.object_list = Card.rows(page.object_list)
        except PageNotFound as exc:
            raise Http404(str(exc)) from exc
        context["article_type"] = article_type
        context["type_choices"] = ArticlePage.ARTICLE_TYPES
        return context


class ArticlePage(Page):
    NEWS, FEATURE = article_types.NEWS, article_types.FEATURE
    ARTICLE_TYPES = article_types.ARTICLE_TYPES

    article_type = models.CharField(max_length=10, choices=ARTICLE_TYPES, default=NEWS, db_index=True)
    date = models.DateField("Publication date", default=timezone.localdate, db_index=True)
    standfirst = models.TextField(help_text="One paragraph under the headline, shown on cards too.")
    byline = models.CharField(
        max_length=255, blank=True,
        help_text="e.g. “By Ada Lovelace”; shown only when the story has no authors below.",
    )
    hero_image = models.ForeignKey(
        "core.EpitopeImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    topics = ParentalManyToManyField("topics.Topic", blank=True, related_name="articles")
    body = StreamField(BodyBlock(), blank=True)
    corrections = RichTextField(
        blank=True, features=["bold", "italic", "link"],
        help_text="What was wrong and what was changed, e.g. “An earlier version gave the trial's size as 120.”",
    )

    objects = PageManager.from_queryset(ArticleQuerySet)()

    base_form_class = ArticlePageForm
    parent_page_types = ["articles.ArticleIndexPage"]
    subpage_types = []
    template = "articles/article_page.html"

    content_panels = Page.content_panels + [
        FieldPanel("standfirst"),
        MultiFieldPanel(
            [FieldPanel("article_type"), FieldPanel("date"), FieldPanel("byline")], heading="About"
        ),
        InlinePanel("authors", label="Authors", heading="Authors (in byline order)"),
        FieldPanel("hero_image"),
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
        FieldPanel("body"),
        InlinePanel("references", label="References"),
        FieldPanel("corrections"),
        ClassificationPanel(heading="Classifier tags"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("standfirst"),
        index.SearchField("body"),
        index.FilterField("article_type"),
        index.FilterField("date"),
        index.RelatedFields("topics", [index.SearchField("name")]),
    ]

    def get_view_restrictions(self):
        return view_restrictions(self, super().get_view_restrictions)

    def cache_tags(self):
        return page_cache.article_tags(self)

    @classmethod
    def purge_tags(cls, pages):
        return page_cache.tags_for_change(list(pages))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        self.load_hero_image()
        topics = self.topics_with_hubs()
        context["topics"] = topics
        context["related"] = self.related_articles(topics)
        context["breadcrumbs"] = self.breadcrumbs(topics)
        context["references"] = self.listed_references()
        context["authors"] = self.listed_authors()
        context.update(story_meta.for_article(self, request))
        return context

    def listed_authors(self):
        """Return the live author pages of the story, in byline order ([]: the byline text stands).

        Read once per page instance: the byline, the feeds and the structured data all ask. A
        preview shows the form's authors (held on the page, not yet stored); a feed's articles
        come with theirs prefetched (feeds.items.with_share_images).
        """
        if "_listed_authors" in self.__dict__:
            return self._listed_authors
        held = getattr(self, "_cluster_related_objects", {}).get("authors") is not None
        prefetched = "authors" in getattr(self, "_prefetched_objects_cache", {})
        if self.pk is None or held or prefetched:
            links = sorted(self.authors.all(), key=lambda link: link.sort_order or 0)
            authors = [link.author for link in links if link.author_id and link.author.live]
        else:
            authors = [link.author for link in prepared.fetch(
                ("article-authors", self.pk),
                lambda: ArticleAuthor.objects.filter(page=self.pk, author__live=True)
                .select_related("author").order_by("sort_order", "pk"),
            )]
        self._listed_authors = authors
        return authors

    def listed_references(self):
        """Return the references in their order, by a query compiled once per article and thread.

        A preview shows the form's references (held on the page, not yet stored).
        """
        if self.pk is None or getattr(self, "_cluster_related_objects", {}).get("references") is not None:
            return list(self.references.all())
        return prepared.fetch(("article-references", self.pk),
                              lambda: ArticleReference.objects.filter(page=self.pk).order_by("sort_order", "pk"))

    def load_hero_image(self):
        """Load the hero image (its caption and credit are shown) by a query compiled once per image."""
        image_id = self.hero_image_id
        if image_id and not ArticlePage.hero_image.is_cached(self):
            Image = get_image_model()
            found = prepared.fetch(("image", image_id), lambda: Image.objects.filter(pk=image_id))
            if found:
                self.hero_image = found[0]

    def topics_with_hubs(self):
        """Return the article's topics with their hubs, by id; `self.topics.all()` then costs no query.

        The page's meta tags and structured data read the topics and their hubs again. One
        query, compiled once per article and server thread (`pagecache.prepared`), its rows kept
        where a prefetch_related would keep them.
        """
        if self.pk is None or getattr(self, "_cluster_related_objects", {}).get("topics") is not None:
            return sorted(self.topics.all(), key=lambda t: t.pk)  # a preview: the form's topics
        topics = prepared.fetch(
            ("article-topics", self.pk), lambda: Topic.objects.filter(articles=self.pk).select_related("page")
        )
        manager = self.topics.get_live_queryset()  # filtering it further still reads this article's topics
        manager._result_cache, manager._prefetch_done = list(topics), True
        if not hasattr(self, "_prefetched_objects_cache"):
            self._prefetched_objects_cache = {}
        self._prefetched_objects_cache["topics"] = manager
        return sorted(topics, key=lambda t: t.pk)

    def related_articles(self, topics, limit=3):
        if not topics:
            return []
        ids = [t.pk for t in topics]
        return Card.rows(prepared.fetch(
            ("related", self.pk, listing_key(ArticlePage, ids), limit),
            lambda: card_rows(ArticlePage.objects.listed_in(ids).exclude(pk=self.pk))[:limit],
        ))

    def breadcrumbs(self, topics):
        """Return (title, url) pairs: home, then the main topic's ancestors and hub."""
        crumbs = [("Home", "/")]
        topic = topics[0] if topics else None
        if topic is not None:
            links, tree = topic_links(), topic_tree()
            chain, node = [], tree.parents.get(topic.pk)
            while node is not None and node not in chain:
                chain.append(node)
                node = tree.parents.get(node)
            for pk in [*reversed(chain), topic.pk]:
                link = links.get(pk)
                if link is not None and link.has_hub:
                    crumbs.append((link.hub_title if pk == topic.pk else link.name, link.url))
        return crumbs


class ArticleReference(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="references")
    kind = models.CharField(max_length=10, choices=references.KINDS, default="doi")
    identifier = models.CharField(max_length=255, help_text="e.g. 10.1038/s41586-024-00000-0, 38912345 or NCT01234567")
    title = models.CharField(max_length=500, blank=True, help_text="Citation as readers should see it.")

    panels = [FieldPanel("kind"), FieldPanel("identifier"), FieldPanel("title")]

    def clean(self):
        try:
            self.identifier = references.normalise(self.kind, self.identifier)
        except ValueError as exc:
            raise ValidationError({"identifier": str(exc)}) from exc

    @property
    def url(self):
        return references.link_for(self.kind, self.identifier)

    @property
    def label(self):
        return dict(references.KINDS)[self.kind]


class ArticleAuthor(Orderable):
    """One author of a story; their order is the byline's."""

    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="authors")
    author = models.ForeignKey("articles.AuthorPage", on_delete=models.CASCADE, related_name="article_links")

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["page", "author"], name="article_author_once")]


class AuthorIndexPage(Page):
    """`/authors/`: everyone who writes for the site, by name."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["core.HomePage"]
    subpage_types = ["articles.AuthorPage"]
    template = "articles/author_index_page.html"
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["authors"] = list(
            public(AuthorPage.objects.child_of(self).live()).select_related("photo").order_by("title")
        )
        return context


class AuthorPage(Page):
    """One author (the page title is their name): photo, role, bio, and their stories newest first."""

    role = models.CharField(max_length=255, blank=True, help_text="e.g. “Senior reporter, cell therapy”")
    photo = models.ForeignKey(
        "core.EpitopeImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="A portrait; its description under Images is the alt text.",
    )
    bio = RichTextField(blank=True, features=["bold", "italic", "link"])

    base_form_class = AuthorPageForm
    content_panels = Page.content_panels + [FieldPanel("role"), FieldPanel("photo"), FieldPanel("bio")]
    parent_page_types = ["articles.AuthorIndexPage"]
    subpage_types = []
    template = "articles/author_page.html"

    search_fields = Page.search_fields + [index.SearchField("bio"), index.SearchField("role")]
    # The author's feeds (feeds.urls "author_feed"): kind in the URL, name shown, media type.
    FEED_KINDS = (("rss", "RSS", "application/rss+xml"), ("atom", "Atom", "application/atom+xml"),
                  ("json", "JSON Feed", "application/feed+json"))

    # cache_tags, purge_tags: the defaults (global and page:P; global, as an author's name, photo
    # and link are on their stories). A story's change bumps page:P of its authors (page_cache).

    def get_cached_paths(self):
        return page_cache.author_paths(self, self.stories())

    def stories(self):
        """Return the author's live, public stories, newest first."""
        return public(ArticlePage.objects.live()).filter(authors__author=self).order_by(*NEWEST_FIRST)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        stories = self.stories()
        try:
            context["cards"] = page = paginate(card_rows(stories), request.GET.get("page"))
        except PageNotFound as exc:
            raise Http404(str(exc)) from exc
        page.object_list = Card.rows(page.object_list)
        return context
