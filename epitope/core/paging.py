"""Paging a listing: a page number from the query string, and a 404 for a page that does not exist."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

CARDS_PER_PAGE = 12


class PageNotFound(Exception):
    """The visitor asked for a listing page or filter that does not exist."""


def paginate(qs, page_number, per_page=CARDS_PER_PAGE):
    """Return page `page_number` of `qs` (the first for a missing or non-numeric one).

    Raise PageNotFound for a page past the end, except page 1 of an empty listing.
    """
    paginator = Paginator(qs, per_page)
    try:
        return paginator.page(page_number or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage as exc:
        if paginator.count == 0 and str(page_number) == "1":
            return paginator.page(1)
        raise PageNotFound(f"There is no page {page_number} of this listing.") from exc
