"""The Leads inbox in the Wagtail admin: list leads, turn one into a draft, dismiss it, or judge it."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST

from epitope.articles.models import ArticleIndexPage
from epitope.classify import judgements
from epitope.search.query import sanitise
from epitope.topics.models import Topic

from . import lead_lines, lead_tags, leads
from .models import Cluster, Item, Source

PER_PAGE = 25


class CappedPaginator(Paginator):
    """Count leads only up to CAP past the start of the page asked for ("Page 1 of 10+").

    An exact count of a million-item inbox costs more than the page, and a filtered inbox
    probes many stories for each one it counts (by source: 36 ms on PostgreSQL for 1,000
    leads). Editors still page on past the cap: each page counts CAP beyond itself.
    """

    CAP = 10 * PER_PAGE
    capped = False

    def __init__(self, object_list, per_page, number=1):
        super().__init__(object_list, per_page)
        self.limit = (max(number, 1) - 1) * per_page + self.CAP

    @cached_property
    def count(self):
        found = self.object_list[: self.limit + 1].count()
        self.capped = found > self.limit
        return min(found, self.limit)


def _int_or_none(value):
    return int(value) if value and value.isdigit() else None


def index(request):
    source_id = _int_or_none(request.GET.get("source"))
    cluster_id = _int_or_none(request.GET.get("cluster"))  # one lead with all its items ("+N more")
    topic_id = _int_or_none(request.GET.get("topic"))
    order = request.GET.get("order") if request.GET.get("order") in leads.ORDERS else "relevant"
    relevant_only = request.GET.get("relevant") == "1"
    terms = sanitise(request.GET.get("q", ""))
    words = terms.all_words()
    limit = None if cluster_id else lead_lines.ITEMS_SHOWN
    clusters = leads.lead_clusters(source_id, topic_id, order, relevant_only, words, cluster_id,
                                   items_per_lead=None if limit is None else limit + 1)
    page = CappedPaginator(clusters, PER_PAGE, _int_or_none(request.GET.get("p")) or 1).get_page(request.GET.get("p"))
    lead_lines.show_items(page.object_list, limit)
    shown = [item for cluster in page.object_list for item in cluster.shown]
    lead_tags.attach_tags(shown)
    lead_tags.attach_lead_judgements(page.object_list)
    lead_lines.render_lines(shown, ContentType.objects.get_for_model(Item).pk, request.get_full_path())
    query = request.GET.copy()
    query.pop("p", None)
    return TemplateResponse(request, "ingest/leads.html", {
        "page": page,
        "sources": Source.objects.only("pk", "name"),
        "topics": Topic.objects.only("pk", "name"),
        "source_id": source_id,
        "cluster_id": cluster_id,
        "topic_id": topic_id,
        "order": order,
        "relevant_only": relevant_only,
        "search_query": terms.as_text(),
        "query": query.urlencode(),
        "header_icon": "bell",
    })


def _can_draft(user):
    index = ArticleIndexPage.objects.first()
    return index is not None and index.permissions_for_user(user).can_add_subpage()


@require_POST
def create_draft(request, cluster_id):
    cluster = get_object_or_404(Cluster, pk=cluster_id)
    if not _can_draft(request.user):
        raise PermissionDenied
    try:
        page = leads.create_draft(cluster, request.user)
    except leads.NoArticleIndex as exc:
        messages.error(request, str(exc))
        return redirect("ingest_leads")
    messages.success(request, f"Draft “{page.title}” created from the lead.")
    return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))


@require_POST
def dismiss(request, cluster_id):
    cluster = get_object_or_404(Cluster, pk=cluster_id)
    count = leads.dismiss(cluster)
    messages.success(request, f"Dismissed “{cluster}” ({count} item{'s' if count != 1 else ''}).")
    return _back(request)


def _back(request):
    return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/admin/") else "ingest_leads")


@require_POST
def judge(request, cluster_id):
    """Mark every item of a lead relevant or not relevant (or withdraw that): it wins at once."""
    cluster = get_object_or_404(Cluster, pk=cluster_id)
    verdict = request.POST.get("verdict")
    if verdict not in judgements.VERDICTS:
        return HttpResponseBadRequest("Say relevant, not-relevant or withdraw.")
    relevant = judgements.VERDICTS[verdict]
    judgements.judge(list(Item.objects.filter(cluster=cluster).defer("raw", "minhash")), relevant, request.user)
    said = {True: "relevant", False: "not relevant", None: "no longer judged"}[relevant]
    messages.success(request, f"“{cluster}” marked {said}.")
    return _back(request)
