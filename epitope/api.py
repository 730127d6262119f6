"""The read-only JSON API at /api/: articles, research, topics and facets, described at /api/openapi.json.

django-ninja rather than Wagtail's API v2: v2 publishes no OpenAPI schema, and filtering by
a topic *and its descendants* or by the listing filters would need custom filter backends on
top of DRF. Ninja validates every parameter from the type hints (a bad integer is a 422, not
a 500) and writes the schema from the same hints, so the two cannot drift apart.
"""

import datetime
import re
from typing import Annotated, Literal, Optional, Union

from django.http import Http404
from ninja import NinjaAPI, Path, Query, Schema
from ninja.responses import Status
from pydantic import BeforeValidator

from epitope.articles.models import ArticlePage
from epitope.articles.queries import NEWEST_FIRST
from epitope.feeds import items as meta
from epitope.search import filters
from epitope.topics import concept_filters, research
from epitope.topics.models import Topic, TopicPage
from epitope.topics.taxonomy import topic_tree

MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000  # past this an offset no longer fits a database integer on every backend
MAX_ID = 2**63 - 1
SLUG = r"^[-a-zA-Z0-9_]+$"
RESEARCH_KINDS = ("paper", "preprint", "trial")

def _iso_date_only(value):
    """Refuse what pydantic would otherwise read as a date, such as `0` (a Unix timestamp)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("Use a date as YYYY-MM-DD.")
    return value


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date_only)]

api = NinjaAPI(
    title="Epitope read API",
    version="1",
    description=(
        "Published news and features on cancer immunology; the papers, preprints and trial records "
        "the hubs' research lists show (public sources only, links to the originals); the topic tree "
        "and the facets readers filter by."
    ),
    docs_url=None,  # the interactive docs load scripts from a CDN, which the CSP rightly refuses
    urls_namespace="api",
)


class Message(Schema):
    detail: str


class ValidationIssue(Schema):
    type: str
    loc: list[Union[str, int]]
    msg: str


class ValidationErrorOut(Schema):
    """What a request with a parameter of the wrong form gets, with status 422."""

    detail: list[ValidationIssue]


class ImageOut(Schema):
    url: str
    width: int
    height: int
    alt: str


class TopicRef(Schema):
    slug: str
    name: str


class TopicOut(TopicRef):
    description: str
    parent: Optional[str] = None
    hub_url: Optional[str] = None


class TopicDetail(TopicOut):
    ancestors: list[TopicRef]
    children: list[TopicRef]


class ArticleOut(Schema):
    id: int
    title: str
    url: str
    type: str
    date: datetime.date
    standfirst: str
    authors: list[str]
    topics: list[TopicRef]
    image: Optional[ImageOut] = None
    published: datetime.datetime
    updated: datetime.datetime


class ReferenceOut(Schema):
    kind: str
    identifier: str
    title: str
    url: str


class ArticleDetail(ArticleOut):
    byline: str
    references: list[ReferenceOut]


class ArticlePage_(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    results: list[ArticleOut]


class ResearchOut(Schema):
    id: int
    kind: Literal[RESEARCH_KINDS]
    kind_label: str
    title: str
    url: str  # the original at the publisher or registry; "" if the source gave no usable link
    source: str
    published: Optional[datetime.datetime] = None
    authors: list[str]
    doi: str
    pmid: str
    nct: str
    topic: Optional[TopicRef] = None
    badges: list[str]


class ResearchDetail(ResearchOut):
    summary: str


class ResearchPage(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    results: list[ResearchOut]


class FacetValue(Schema):
    value: str
    label: str
    count: int


class FacetOut(Schema):
    param: str
    label: str
    values: list[FacetValue]


def _article(article, request):
    image = meta.share_image(article.hero_image, request)
    return {
        "id": article.pk,
        "title": article.title,
        "url": article.get_full_url(request),
        "type": article.article_type,
        "date": article.date,
        "standfirst": article.standfirst,
        "authors": meta.author_names(article),
        "topics": [{"slug": t.slug, "name": t.name} for t in article.topics.all()],
        "image": image and {k: image[k] for k in ("url", "width", "height", "alt")},
        "published": meta.published_at(article),
        "updated": meta.updated_at(article),
    }


def _live_articles():
    return ArticlePage.objects.live().public().order_by(*NEWEST_FIRST)


@api.get("/articles", response={200: ArticlePage_, 404: Message, 422: ValidationErrorOut}, tags=["articles"])
def list_articles(
    request,
    topic: Optional[str] = Query(None, pattern=SLUG, max_length=100, description="A topic slug; its subtopics count too."),
    type: Optional[Literal["news", "feature"]] = Query(None),  # noqa: A002 - the public parameter name
    modality: Optional[str] = Query(None, pattern=SLUG, max_length=100, description="A therapy concept, e.g. car-t."),
    cancer_type: Optional[str] = Query(None, pattern=SLUG, max_length=100, description="A cancer-type concept, e.g. melanoma."),
    date_from: Optional[IsoDate] = Query(None, alias="from", description="Published on or after (YYYY-MM-DD)."),
    date_to: Optional[IsoDate] = Query(None, alias="to", description="Published on or before (YYYY-MM-DD)."),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(20, ge=1, description=f"Capped at {MAX_PAGE_SIZE}."),
    limit: Optional[int] = Query(None, ge=1, description=f"Results per page, as page_size (which it overrides); capped at {MAX_PAGE_SIZE}."),
):
    """Return published articles, newest first, filtered by topic, type, date, therapy and cancer type."""
    page_size = _page_size(page_size, limit)
    # The parameters above are validated; every listing filter reads its own from the query string.
    chosen = filters.selected(request.GET)
    try:
        qs = filters.apply_all(filters.apply_dates(_live_articles(), date_from, date_to), chosen)
    except filters.UnknownValue as exc:
        return Status(404, {"detail": str(exc)})
    out = _page(qs, page, page_size)
    out["results"] = [_article(a, request) for a in meta.with_share_images(qs)[out.pop("slice")]]
    return out


def _page_size(page_size, limit):
    """Return the page size asked for: `limit` (the name most APIs use) wins over `page_size`."""
    return min(limit or page_size, MAX_PAGE_SIZE)


def _page(qs, page, page_size):
    """Return the paging figures of `qs` and the slice of its rows on `page`."""
    count = qs.count()
    start = (page - 1) * page_size
    return {
        "count": count, "page": page, "page_size": page_size, "num_pages": max(1, -(-count // page_size)),
        "slice": slice(start, start + page_size),
    }


@api.get("/articles/{article_id}", response={200: ArticleDetail, 404: Message, 422: ValidationErrorOut}, tags=["articles"])
def get_article(request, article_id: int = Path(..., ge=1, le=MAX_ID)):
    """Return one published article with its byline and references."""
    article = meta.with_share_images(_live_articles().filter(pk=article_id)).prefetch_related("references").first()
    if article is None:
        return Status(404, {"detail": "No published article with that id."})
    out = _article(article, request)
    out["byline"] = article.byline
    out["references"] = [
        {"kind": r.kind, "identifier": r.identifier, "title": r.title, "url": r.url} for r in article.references.all()
    ]
    return out


def _topic(topic, slugs, hubs, request):
    hub = hubs.get(topic.pk)
    return {
        "slug": topic.slug,
        "name": topic.name,
        "description": topic.description,
        "parent": slugs.get(topic.parent_id),
        "hub_url": hub.get_full_url(request) if hub else None,
    }


def _hubs():
    return {hub.topic_id: hub for hub in TopicPage.objects.live().public()}


@api.get("/topics", response=list[TopicOut], tags=["topics"])
def list_topics(request):
    """Return the whole topic tree (it is small), each topic naming its parent."""
    topics = list(Topic.objects.order_by("name"))
    slugs, hubs = {t.pk: t.slug for t in topics}, _hubs()
    return [_topic(t, slugs, hubs, request) for t in topics]


@api.get("/topics/{slug}", response={200: TopicDetail, 404: Message, 422: ValidationErrorOut}, tags=["topics"])
def get_topic(request, slug: str = Path(..., pattern=SLUG, max_length=100)):
    """Return one topic with its ancestors (root first) and children."""
    topic = Topic.objects.filter(slug=slug).select_related("parent").first()
    if topic is None:
        return Status(404, {"detail": "No such topic."})
    slugs = {topic.parent_id: topic.parent.slug} if topic.parent else {}
    out = _topic(topic, slugs, _hubs(), request)
    out["ancestors"] = [{"slug": t.slug, "name": t.name} for t in topic.ancestors()]
    out["children"] = [{"slug": t.slug, "name": t.name} for t in topic.children.order_by("name")]
    return out


@api.get("/facets", response=list[FacetOut], tags=["facets"])
def list_facets(request):
    """Return every filter readers list articles by, with how many published articles have each value."""
    live = _live_articles()
    out = []
    for listing_filter in filters.all_filters():
        counts = listing_filter.counts(live)
        values = [{"value": v, "label": label, "count": counts.get(v, 0)}
                  for v, label in listing_filter.choices()]
        out.append({"param": listing_filter.param, "label": listing_filter.label, "values": values})
    return out


def _research_item(item, topics):
    topic = topics.get(item.source.topic_id) if item.source else None
    return {
        "id": item.pk,
        "kind": item.kind,
        "kind_label": item.kind_label,
        "title": item.title,
        "url": item.safe_link,
        "source": item.source.name if item.source else "",
        "published": item.published,
        "authors": [str(a) for a in item.authors or []],
        "doi": item.doi,
        "pmid": item.pmid,
        "nct": item.nct,
        "topic": topic and {"slug": topic.slug, "name": topic.name},
        "badges": item.badges,
    }


def _research(topic_ids=None):
    """Return what the hubs' research lists show: relevant items of public sources, newest first."""
    ids = topic_ids if topic_ids is not None else list(topic_tree().parents)
    return research.research_items(ids).filter(kind__in=RESEARCH_KINDS)


def _topics_by_id():

    return {t.pk: t for t in Topic.objects.only("slug", "name")}


@api.get("/research", response={200: ResearchPage, 404: Message, 422: ValidationErrorOut}, tags=["research"])
def list_research(
    request,
    kind: Optional[Literal[RESEARCH_KINDS]] = Query(None, description="paper, preprint or trial."),
    topic: Optional[str] = Query(None, pattern=SLUG, max_length=100, description="A topic slug; its subtopics count too."),
    modality: Optional[str] = Query(None, pattern=SLUG, max_length=100, description="A modality concept, e.g. car-t."),
    cancer_type: Optional[str] = Query(None, pattern=SLUG, max_length=100, description="A cancer-type concept, e.g. melanoma."),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(20, ge=1, description=f"Capped at {MAX_PAGE_SIZE}."),
    limit: Optional[int] = Query(None, ge=1, description=f"Results per page, as page_size (which it overrides); capped at {MAX_PAGE_SIZE}."),
):
    """Return the papers, preprints and trial records the hubs' research lists show, newest first.

    Only items the classifier judged relevant, from sources an editor marked public; each links
    to its original and carries the badges readers see (evidence, therapies, cancer types).
    """
    topic_ids = None
    if topic:

        found = Topic.objects.filter(slug=topic).values_list("pk", flat=True).first()
        if found is None:
            return Status(404, {"detail": "No such topic."})
        topic_ids = topic_tree().descendants(found)
    try:
        chosen = concept_filters.resolve({"modality": modality, "cancer_type": cancer_type})
    except concept_filters.UnknownFilter as exc:
        return Status(404, {"detail": str(exc)})
    qs = concept_filters.narrow(_research(topic_ids), chosen)
    if kind:
        qs = qs.filter(kind=kind)
    out = _page(qs, page, _page_size(page_size, limit))
    topics = _topics_by_id()
    out["results"] = [_research_item(item, topics) for item in research.with_badges(qs[out.pop("slice")])]
    return out


@api.get("/research/{item_id}", response={200: ResearchDetail, 404: Message, 422: ValidationErrorOut}, tags=["research"])
def get_research(request, item_id: int = Path(..., ge=1, le=MAX_ID)):
    """Return one paper, preprint or trial record of a public source, with its summary."""
    item = _research().filter(pk=item_id).first()
    if item is None:
        return Status(404, {"detail": "No public research item with that id."})
    (item,) = research.with_badges([item])
    return {**_research_item(item, _topics_by_id()), "summary": item.summary}


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)

