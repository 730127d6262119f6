"""The kinds of story (news, feature) and the `?type=` a listing is narrowed by."""

from epitope.core.paging import PageNotFound

NEWS, FEATURE = "news", "feature"
ARTICLE_TYPES = ((NEWS, "News"), (FEATURE, "Feature"))


def resolve_type(value):
    """Return the article type asked for ("" for all); raise PageNotFound for an unknown one."""
    if not value:
        return ""
    if value not in dict(ARTICLE_TYPES):
        raise PageNotFound(f"Unknown article type {value!r}.")
    return value
