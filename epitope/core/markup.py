"""Escaping for the HTML that Epitope writes in Python (cards, research items, filter bar, chrome)."""

from html import escape as _escape

from django.utils.safestring import SafeString


def esc(value):
    """Return `value` escaped for HTML, exactly as Django's conditional_escape does.

    conditional_escape goes through `keep_lazy`, whose wrapper scans the arguments for lazy
    strings on every call: a hub writes about a hundred values, and that check took more time
    than the escaping. A lazy string needs no special case here: str() evaluates it.
    """
    html = getattr(value, "__html__", None)
    if html is not None:
        return html()
    return SafeString(_escape(str(value)))
