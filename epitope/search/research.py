"""Find ingested research (papers, preprints, trials) for a reader's search, beside the articles.

Only what a hub's research list may show (`topics.research.research_items`): relevant items
from public sources feeding the topic of a live, public hub or a topic below it, not
dismissed. Items are not in the search backend's index (ingestion writes them in bulk, outside
the ORM's signals), so they are read here: among the newest SCAN_LIMIT of them, a substring
filter in SQL picks candidates and the highlighter's own whole-term test keeps the items that
have every term; what a reader sees marked is exactly what matched.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.html import strip_tags

from epitope.topics import facet_filters
from epitope.topics.listing import topic_tree
from epitope.topics.models import Topic, TopicPage
from epitope.topics.research import research_items, with_badges

from .highlight import contains, highlight
from .idlists import among

# Research items a search reads, newest first: bounded, so a search costs the same in an
# archive of a million items; older research is on the hubs' research pages.
SCAN_LIMIT = 5000
SHOWN = 5
_SHOWN_FIELDS = ("title", "summary", "link", "published", "kind", "source__name")


class ResearchHit:
    """An item as a search result shows it: the title with the matched terms marked."""

    def __init__(self, item, words):
        self._item = item
        self.title = highlight(item.title, words)

    def __getattr__(self, name):
        return getattr(self._item, name)


@dataclass
class ResearchMatches:
    items: list = field(default_factory=list)  # at most SHOWN ResearchHit, title matches first
    total: int = 0
    capped: bool = False  # the scan stopped at SCAN_LIMIT items


def _hub_topic_ids(chosen_topic=None):
    """Return the topics whose research a hub lists (all of them under `chosen_topic`, if given)."""
    tree = topic_tree()
    if chosen_topic:
        topic = Topic.objects.filter(slug=chosen_topic).only("pk").first()
        return set(tree.descendants(topic.pk)) if topic else set()
    ids = set()
    for topic_id in TopicPage.objects.live().public().values_list("topic_id", flat=True):
        ids.update(tree.descendants(topic_id))
    return ids


def public_research(chosen, start=None, end=None):
    """Return the research items a reader may find with these facets and dates, or None if the
    facets are for articles only (an article type)."""
    if "type" in chosen:
        return None
    topic_ids = _hub_topic_ids(chosen.get("topic"))
    if not topic_ids:
        return None
    filters = {param: value for param, value in chosen.items() if param in facet_filters.PARAMS}
    qs = research_items(sorted(topic_ids), filters)
    if start:
        qs = qs.filter(published__date__gte=start)
    if end:
        qs = qs.filter(published__date__lte=end)
    return qs


def _candidates(qs, terms, any_term):
    """Narrow `qs` in SQL to items whose title or summary has each term's longest part."""
    conditions = []
    for term in terms.terms:
        part = max(term.parts, key=len)
        conditions.append(Q(title__icontains=part) | Q(summary__icontains=part))
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = (combined | condition) if any_term else (combined & condition)
    return qs.filter(combined)


def find_research(terms, chosen, start=None, end=None, any_term=False):
    """Return the ResearchMatches of `terms` (every term, or any with `any_term`)."""
    base = public_research(chosen, start, end)
    if base is None or not terms:
        return ResearchMatches()
    window = list(base.values_list("pk", flat=True)[:SCAN_LIMIT])
    found = _candidates(among(base.model.objects.all(), window), terms, any_term)
    words = terms.all_words()
    test = any if any_term else all
    title_first, others = [], []
    for item in found.select_related("source").only(*_SHOWN_FIELDS).order_by("-published", "-pk"):
        text = item.title + " " + strip_tags(item.summary)
        if test(contains(text, word) for word in words):
            (title_first if any(contains(item.title, word) for word in words) else others).append(item)
    ordered = title_first + others
    shown = with_badges(ordered[:SHOWN])
    return ResearchMatches(
        items=[ResearchHit(item, words) for item in shown],
        total=len(ordered),
        capped=len(window) >= SCAN_LIMIT,
    )
