"""The classifier's tags of one object as HTML: the words behind each tag and links to correct them.

Built in Python rather than with a template include: the leads inbox shows the tags of up to
75 items a page, and an include per item (with its URL reversing) was most of that page's
cost. The edit form's classification panel uses the same function, so both read alike.
"""

from __future__ import annotations

from html import escape  # what django.utils.html.escape calls, without its lazy-string wrapper per value
from urllib.parse import quote

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

_OBJECT = "__object__"  # stands for the object id in a reversed URL, replaced per object


def correction_url_maker(content_type_id):
    """Return a function of an object id giving its correction URL (without the query).

    Reverses once: a page of leads needs one URL per item, and `reverse` costs more than the
    rest of a tag line.
    """
    pattern = reverse("classify_correct", args=[content_type_id, _OBJECT])
    return lambda object_id: pattern.replace(_OBJECT, quote(str(object_id), safe=""))


def tags_html(tags, relevance=None, relevant=False, correct_url="", next_path="", judged=False) -> SafeString:
    """Return the tags block of one object.

    `tags` as `ingest.lead_tags.tags_with_evidence` gives them (None: not classified yet);
    `correct_url` is the object's correction URL ("" shows no correction links); `next_path`
    is where a correction returns to; `judged` says an editor's judgement set the relevance
    (shown instead of the score, which is then 1 or 0).
    """
    nxt = f"&amp;next={quote(next_path, safe='/')}" if next_path else ""
    out = ['<div class="classifier-tags">\n  ']
    if relevance is not None:
        out.append(f'<span class="status-tag{" primary" if relevant else ""}">'
                   f'{"Relevant" if relevant else "Not relevant"} '
                   f'({"editor" if judged else floatformat(relevance, 2)})</span>')
    out.append("\n  ")
    if tags:
        out.append('<dl class="classifier-facets">\n    ')
        for facet, heading, facet_tags in tags:
            out.append(f"<dt>{escape(heading)}</dt>\n    <dd><ul>")
            for concept, label, why in facet_tags:
                out.append(f"<li><strong>{escape(label)}</strong>")
                if why:
                    out.append(f" — {escape(why)}")
                if correct_url:
                    out.append(f' · <a href="{escape(correct_url)}?action=remove&amp;facet={escape(facet)}'
                               f'&amp;concept={quote(concept, safe="/")}{nxt}">Remove this tag</a>')
                out.append("</li>")
            out.append("</ul></dd>\n    ")
        out.append("\n  </dl>")
    elif tags is None:
        out.append("<p>Not classified yet.</p>")
    else:
        out.append("<p>No tags found.</p>")
    if correct_url:
        out.append(f'\n  <a href="{escape(correct_url)}?action=add{nxt}">Add a tag</a>')
    out.append("\n</div>\n")
    return mark_safe("".join(out))  # every value above is escaped or URL-quoted
