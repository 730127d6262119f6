"""Create the skeleton of a hub site: home page, site record, article and author indexes, topic hubs."""

from django.conf import settings
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from epitope.articles.models import ArticleIndexPage, AuthorIndexPage
from epitope.topics.models import TopicPage

from .models import HomePage


@transaction.atomic
def ensure_home(title="Epitope", hostname="localhost", port=80):
    """Return the HomePage, replacing Wagtail's placeholder welcome page on a fresh install."""
    ensure_wagtail_baseline()
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        for child in root.get_children():
            if child.specific_class is Page:  # Wagtail's "Welcome to your new Wagtail site!"
                Site.objects.filter(root_page=child).delete()
                child.delete()
        home = root.add_child(instance=HomePage(title=title, slug="home"))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname=hostname, port=port, root_page=home, is_default_site=True, site_name=title)
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home


def ensure_wagtail_baseline():
    """Recreate what Wagtail's data migrations make: default locale, root page, root collection.

    A flushed database (`epitope flush`, transactional tests) has none of them.
    """
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if Page.get_first_root_node() is None:
        Page.add_root(title="Root", slug="root")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


def ensure_article_index(home, title="All stories", slug="articles"):
    index = ArticleIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(instance=ArticleIndexPage(title=title, slug=slug))
    return index


def ensure_author_index(home, title="Authors", slug="authors"):
    """Return the author index (`/authors/`, where the author feeds' URLs expect it), creating it if missing."""
    index = AuthorIndexPage.objects.first()
    if index is None:
        index = home.add_child(instance=AuthorIndexPage(title=title, slug=slug))
    return index


def ensure_hub(home, topic, title=None, heading="", slug=None):
    hub = TopicPage.objects.filter(topic=topic).first()
    if hub is None:
        hub = home.add_child(
            instance=TopicPage(title=title or topic.name, slug=slug or topic.slug, topic=topic, heading=heading)
        )
    return hub
