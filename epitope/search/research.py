"""Find ingested research (papers, preprints, trials) for a reader's search, beside the articles.

Only what a hub's research list may show (`topics.research.research_items`): relevant items
from public sources feeding the topic of a live, public hub or a topic below it, not
dismissed. Items are not in the search backend's index (ingestion writes them in bulk, outside
the ORM's signals), so they are read here, among the newest SCAN_LIMIT items ingested: a
substring filter in SQL picks candidates, and the highlighter's own whole-term test keeps the
items that have every term, so what a reader sees marked is exactly what matched.
"""

from dataclasses import dataclass, field

import re

from django.db.models import F, Q

from epitope.ingest.models import Item
from epitope.topics import concept_filters
from epitope.topics.taxonomy import topic_tree
from epitope.topics.models import Topic, TopicPage
from epitope.topics.research import research_items, with_badges

from .highlight import contains, highlight

# Ingested items a search reads, newest first, public or not: a bound on the rows walked, so a
# search costs the same in an archive of a million items (a bound on the public items found
# instead walks the whole archive when fewer are public). Older research is on the hubs'
# research pages.
SCAN_LIMIT = 5000
SHOWN = 5
_SHOWN_FIELDS = ("title", "summary", "link", "published", "kind", "source__name")
# Tags out of a stored (sanitised) abstract before matching, so "PD-<i>1</i>" is "PD-1". The
# text is only tested, never shown: a regular expression does, at a fraction of an HTML parser's cost.
_TAG = re.compile(r"<[^>]*>")


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
    scanned: int = 0
    capped: bool = False  # there are older items than the `scanned` newest read


def _hub_topic_ids(chosen_topic=None):
    """Return the topics whose research a live, public hub lists (those under `chosen_topic`
    only, if given)."""
    tree = topic_tree()
    ids = set()
    for topic_id in TopicPage.objects.live().public().values_list("topic_id", flat=True):
        ids.update(tree.descendants(topic_id))
    if chosen_topic:
        topic = Topic.objects.filter(slug=chosen_topic).only("pk").first()
        ids &= set(tree.descendants(topic.pk)) if topic else set()
    return ids


def public_research(chosen, start=None, end=None):
    """Return the research items a reader may find with these facets and dates, or None if the
    facets are for articles only (an article type)."""
    if "type" in chosen:
        return None
    topic_ids = _hub_topic_ids(chosen.get("topic"))
    if not topic_ids:
        return None
    filters = {param: value for param, value in chosen.items() if param in concept_filters.PARAMS}
    qs = research_items(sorted(topic_ids), filters)
    if start:
        qs = qs.filter(published__date__gte=start)
    if end:
        qs = qs.filter(published__date__lte=end)
    return qs


def _newest():
    """Return every ingested item, newest first, in the order of its `published` index."""
    return Item.objects.order_by(F("published").desc(nulls_last=True), "-pk")


def _needles(term):
    """Return the substrings of which an item's text must have one to hold `term` whole."""
    if term.is_word:
        return [term.text]
    # As typed and spaced: each substring is one more LIKE over every abstract read (a Unicode
    # hyphen in the text, "CAR\u2011T", is left to the search backend for articles).
    return sorted({term.text, " ".join(term.parts)})


def _candidates(qs, terms, any_term):
    """Narrow `qs` in SQL to items whose title or summary has each term (any, with `any_term`)
    as a substring: a first pass, cheap in SQL, before the whole-term test in Python."""
    conditions = []
    for term in terms.terms:
        condition = Q()
        for needle in _needles(term):
            condition |= Q(title__icontains=needle) | Q(summary__icontains=needle)
        conditions.append(condition)
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = (combined | condition) if any_term else (combined & condition)
    return qs.filter(combined)


def find_research(terms, chosen, start=None, end=None, any_term=False):
    """Return the ResearchMatches of `terms` (every term, or any with `any_term`)."""
    base = public_research(chosen, start, end)
    if base is None or not terms:
        return ResearchMatches()
    rows = (
        _candidates(base.filter(pk__in=_newest().values("pk")[:SCAN_LIMIT]), terms, any_term)
        .order_by("-published", "-pk")
        .values_list("pk", "title", "summary")
    )
    words = terms.all_words()
    test = any if any_term else all
    title_first, others = [], []
    for pk, title, summary in rows:  # rows, not model instances: a broad term has thousands
        if test(contains(title + " " + _TAG.sub("", summary), word) for word in words):
            (title_first if any(contains(title, word) for word in words) else others).append(pk)
    ordered = title_first + others
    by_pk = Item.objects.select_related("source").only(*_SHOWN_FIELDS).in_bulk(ordered[:SHOWN])
    shown = with_badges(by_pk[pk] for pk in ordered[:SHOWN])
    return ResearchMatches(
        items=[ResearchHit(item, words) for item in shown],
        total=len(ordered),
        scanned=SCAN_LIMIT,
        capped=bool(_newest().values_list("pk", flat=True)[SCAN_LIMIT : SCAN_LIMIT + 1]),
    )
