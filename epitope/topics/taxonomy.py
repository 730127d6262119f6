"""The topic tree (Immunology › Cancer immunology › Cell therapy …) and the classifier's vocabulary.

What hubs, articles, feeds and digests are filed and filtered by. Both are read on every
page and hardly ever change, so each is kept in process memory until it does (`pagecache.cache`
tags). `Topic` lives here rather than in models.py with the hub page: articles are filed
under topics, and the hub page lists articles, so the tree must not import the hub.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from epitope.pagecache import cache



@register_snippet
class Topic(index.Indexed, models.Model):
    """A node of the topic tree.

    The tree is tiny (tens of nodes), so a parent pointer is enough: descendants are
    computed in Python from one query (see `topic_tree`).
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
        return topic_tree().ancestors(self.pk)

    @property
    def hub(self):
        """Return the live hub page of this topic, or None. Free when loaded with select_related("page")."""
        try:
            page = self.page
        except ObjectDoesNotExist:  # no TopicPage for this topic
            return None
        return page if page.live else None


@dataclass
class TopicTree:
    parents: dict = field(default_factory=dict)  # topic id -> parent id (or None)
    names: dict = field(default_factory=dict)

    def descendants(self, topic_id):
        """Return the ids of a topic and every topic below it."""
        children = {}
        for child, parent in self.parents.items():
            children.setdefault(parent, []).append(child)
        found, stack = [], [topic_id]
        while stack:
            node = stack.pop()
            if node in found:  # a cycle saved outside the admin must not hang the hub
                continue
            found.append(node)
            stack.extend(children.get(node, []))
        return found

    def ancestors(self, topic_id):
        """Return the topics from the root down to this one's parent."""
        chain, node = [], self.parents.get(topic_id)
        while node is not None and node not in chain:
            chain.append(node)
            node = self.parents.get(node)
        by_id = Topic.objects.select_related("page").in_bulk(chain)
        return [by_id[pk] for pk in reversed(chain) if pk in by_id]


def topic_tree():
    """Return the whole topic tree, kept in process memory until a topic is saved or deleted.

    Callers only read it; it is shared between requests.
    """
    return cache.memo("topic-tree", [cache.TOPICS], _load_topic_tree)


def _load_topic_tree():
    tree = TopicTree()
    for pk, parent_id, name in Topic.objects.values_list("id", "parent_id", "name"):
        tree.parents[pk] = parent_id
        tree.names[pk] = name
    return tree


@dataclass(frozen=True)
class TopicLink:
    """A topic as links show it: its name and its live hub (title, URL), if it has one."""

    id: int
    parent_id: int | None
    name: str
    has_hub: bool
    hub_title: str = ""
    url: str | None = None  # None without a live hub


def topic_links():
    """Return {topic id: TopicLink} for every topic, in name order.

    Kept per process until a topic or a hub page is saved or deleted, a page is published,
    moved or unpublished (the "global" tag) or a site changes (the URLs).
    """
    return cache.memo("topic-links", [cache.TOPICS, cache.HUBS, cache.GLOBAL, cache.SITES], _load_topic_links)


def _load_topic_links():
    links = {}
    for topic in Topic.objects.select_related("page"):  # ordered by name, as the database collates
        hub = topic.hub
        if hub is None:
            links[topic.pk] = TopicLink(topic.pk, topic.parent_id, topic.name, False)
        else:
            links[topic.pk] = TopicLink(topic.pk, topic.parent_id, topic.name, True, hub.display_title, hub.url)
    return links


def subtopic_links(topic_id):
    """Return a hub's subtopics, by name, each with its live hub's URL if it has one."""
    return [link for link in topic_links().values() if link.parent_id == topic_id]


def with_ancestors(topic_ids, tree=None):
    """Return the topic ids together with every ancestor of each."""
    tree = tree or topic_tree()
    found = set()
    for topic_id in topic_ids:
        node = topic_id
        while node is not None and node not in found:
            found.add(node)
            node = tree.parents.get(node)
    return found
