from django.http import Http404
from django.template.response import TemplateResponse

from . import filters
from .results import run_search


def search(request):
    """Show articles matching ?q=, ranked by relevance, with facet filters and paging, and the
    public research that matches."""
    try:
        outcome = run_search(request.GET)
    except filters.UnknownValue as exc:
        raise Http404(str(exc)) from exc
    return TemplateResponse(
        request,
        "search/search.html",
        {
            "search": outcome,
            "search_query": outcome.terms.as_text(),
            "filter_query": _filter_query(request.GET),
        },
    )


def _filter_query(params):
    """Return the current query string without `page`, for facet and paging links."""
    query = params.copy()
    query.pop("page", None)
    return query
