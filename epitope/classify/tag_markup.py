"""The classifier's tags of one object as HTML: the words behind each tag and links to correct them.

The markup is the `tags` macro of templates/jinja2/epitope/tags.html. The leads inbox shows
the tags of up to 75 items a page and the edit form's classification panel those of one page,
so both read alike and a Django include per item (most of the inbox's cost once) is avoided.
"""

from __future__ import annotations

from urllib.parse import quote

from django.urls import reverse

from epitope.core.jinja import macros

_OBJECT = "__object__"  # stands for the object id in a reversed URL, replaced per object


def correction_url_maker(content_type_id):
    """Return a function of an object id giving its correction URL (without the query).

    Reverses once: a page of leads needs one URL per item, and `reverse` costs more than the
    rest of a tag line.
    """
    pattern = reverse("classify_correct", args=[content_type_id, _OBJECT])
    return lambda object_id: pattern.replace(_OBJECT, quote(str(object_id), safe=""))


def tags_html(tags, relevance=None, relevant=False, correct_url="", next_path="", judged=False):
    """Return the tags block of one object (safe markup; see the `tags` macro for the arguments)."""
    return macros("epitope/tags.html").tags(tags, relevance, relevant, correct_url, next_path, judged)
