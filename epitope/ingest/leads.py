"""Editors' leads: story clusters with new items, and what an editor does with one.

A lead is a cluster (one story, however many sources told it). Listing, drafting and
dismissing are plain functions so they can be tested without HTTP; `views.py` is the admin skin.
"""

from __future__ import annotations

import html
import re

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify

from epitope.articles import references
from epitope.articles.models import ArticleIndexPage, ArticlePage, ArticleReference
from epitope.topics.taxonomy import topic_tree

from .lead_tags import relevance_threshold
from .models import Cluster, Item
from .sanitize import http_link

ORDERS = {
    "relevant": ("-relevance", "-source_count", "-last_seen", "-pk"),
    "newest": ("-last_seen", "-source_count", "-size", "-pk"),
    "covered": ("-source_count", "-size", "-last_seen", "-pk"),
}
# The item fields the inbox lists (templates/ingest/leads.html).
LISTED_ITEM_FIELDS = ("cluster", "source", "title", "link", "kind", "published", "doi", "pmid", "nct", "status")
# Which item gives a draft its headline: a press release or news story reads best, then a preprint
# or paper title, and a trial record's official title last.
_HEADLINE_PREFERENCE = {"news": 0, "preprint": 1, "paper": 2, "trial": 3}


class NoArticleIndex(Exception):
    """There is no article index page to create a draft under."""


def lead_clusters(source_id=None, topic_id=None, order="relevant", relevant_only=False, words=(),
                  cluster_id=None, items_per_lead=None):
    """Return clusters with at least one new item, matching the filters, in the given order.

    `relevant_only` keeps the clusters the classifier judged relevant (their best item's score).
    `words` keeps clusters with a new item whose title or summary contains every word.
    `cluster_id` keeps that one lead. Each cluster's items are prefetched newest first, at
    most `items_per_lead` of them (all if None), as the list `listed_items`.
    """
    # EXISTS per cluster, walked in the order's index, stops after one page; an IN over every
    # new item's cluster would read all of them first (seconds at a million items).
    new = Item.objects.filter(cluster=OuterRef("pk"), status=Item.NEW)
    if source_id:
        new = new.filter(source_id=source_id)
    if topic_id:
        new = new.filter(source__topic_id__in=topic_tree().descendants(int(topic_id)))
    for word in words:
        new = new.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    # Only what the inbox shows: up to 100 items a page, whose JSON, raw record, MinHash and
    # source scheduling columns would otherwise be read (over the wire on PostgreSQL) and decoded.
    items = (
        Item.objects.select_related("source")
        .only(*LISTED_ITEM_FIELDS, "source__name")
        .order_by("-published", "-pk")
    )
    if items_per_lead is not None:
        items = items[:items_per_lead]  # one query still: a window over the page's clusters
    clusters = Cluster.objects.filter(Exists(new))
    if cluster_id:
        clusters = clusters.filter(pk=cluster_id)
    if relevant_only:
        clusters = clusters.filter(relevance__gte=relevance_threshold())
    return (
        clusters
        .order_by(*ORDERS.get(order, ORDERS["relevant"]))
        .prefetch_related(Prefetch("items", queryset=items, to_attr="listed_items"))  # to_attr: a sliced prefetch needs one
    )


def plain(text, limit=600):
    """Return text (sanitised HTML or plain) as one plain paragraph of at most `limit` characters."""
    flat = re.sub(r"\s+", " ", html.unescape(strip_tags(text or ""))).strip()
    return Truncator(flat).chars(limit)


def headline_item(items):
    return min(items, key=lambda i: (_HEADLINE_PREFERENCE.get(i.kind, 9), i.created_at, i.pk))


def references_for(items):
    """Return (kind, identifier, title) references for an article made from these items."""
    found, seen = [], set()
    for item in items:
        ids = item.identifiers or {}
        candidates = [("doi", ids.get("doi")), ("doi", ids.get("preprint_doi")), ("pmid", ids.get("pmid")),
                      ("nct", ids.get("nct"))]
        candidates = [(k, v) for k, v in candidates if v]
        if not candidates and item.link:
            candidates = [("url", item.link)]
        for kind, value in candidates:
            try:
                value = references.normalise(kind, value)
            except ValueError:
                continue
            if (kind, value.lower()) not in seen:
                seen.add((kind, value.lower()))
                found.append((kind, value, item.title[:500]))
    return found


def sources_paragraph(items):
    """Return rich-text HTML listing the items as links, for the draft's body (ingest/sources_paragraph.html)."""
    sources = [
        (item, http_link(item.link), item.source.name if item.source else "removed source",
         f", {item.published:%-d %b %Y}" if item.published else "")
        for item in items
    ]
    return render_to_string("ingest/sources_paragraph.html", {"sources": sources})


def _unique_slug(parent, title):
    base = slugify(title)[:70] or "lead"
    taken = set(parent.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_draft(cluster, user=None):
    """Create a draft News article from a lead, mark its items drafted, and return the page."""
    index = ArticleIndexPage.objects.first()
    if index is None:
        raise NoArticleIndex("There is no article index page to put the draft under.")
    items = list(cluster.items.select_related("source").order_by("created_at", "pk"))
    lead = headline_item(items)
    page = ArticlePage(
        title=Truncator(plain(lead.title, 1000)).chars(250),
        slug=_unique_slug(index, lead.title),
        article_type=ArticlePage.NEWS,
        standfirst=plain(lead.summary) or plain(lead.title),
        body=[("paragraph", sources_paragraph(items))],
        live=False,
        owner=user,
    )
    page.references = [ArticleReference(kind=k, identifier=i, title=t) for k, i, t in references_for(items)]
    index.add_child(instance=page)
    topics = {item.source.topic_id for item in items if item.source and item.source.topic_id}
    page.topics.set(sorted(topics))
    page.save()
    page.save_revision(user=user, log_action=True)
    Item.objects.filter(cluster=cluster).exclude(status=Item.DISMISSED).update(status=Item.DRAFTED, draft=page)
    return page


def dismiss(cluster):
    """Mark a lead's new items dismissed; return how many."""
    return Item.objects.filter(cluster=cluster, status=Item.NEW).update(status=Item.DISMISSED)
