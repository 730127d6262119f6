from django import template

register = template.Library()


@register.simple_tag
def facet_url(query, param, value, chosen=False):
    """Return a query string with `param` set to `value`, or cleared if it is the chosen one."""
    query = query.copy()
    query.pop("page", None)
    if chosen:
        query.pop(param, None)
    else:
        query[param] = value
    return "?" + query.urlencode()


@register.simple_tag
def page_url(query, number):
    query = query.copy()
    query["page"] = number
    return "?" + query.urlencode()
