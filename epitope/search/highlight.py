"""Mark the searched words in a snippet of text, escaping everything else first."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe


def highlight(text, words):
    """Return `text` as safe HTML with each word starting with a searched term in <mark>.

    Matching on word prefixes follows the search backends' stemming closely enough:
    "vaccine" marks "vaccines" too.
    """
    text = text or ""
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")\w*", re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped
