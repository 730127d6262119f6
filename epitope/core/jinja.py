"""The Jinja2 environment of Epitope's hot-path markup (settings.TEMPLATES' "jinja2" backend).

Cards, the filter bar, research items, the page chrome and the classifier's tag lines are Jinja2
macros under templates/jinja2/: written as templates, escaped by Jinja2's autoescape, and
compiled once per process. Django templates call them through small template tags.
"""

import functools

from django.template import engines
from django.template.defaultfilters import floatformat
from django.utils.dateformat import format as format_date
from django.utils.timezone import template_localtime
from django.utils.translation import get_language
from jinja2 import Environment, Undefined


@functools.lru_cache(maxsize=4096)
def _date(value, fmt, language):
    return format_date(value, fmt)


def date(value, fmt, language=None):
    """Django's `date` filter, kept per value: a listing formats the same few dates again and again.

    Month names depend on the active language, so it is part of the key; a listing looks it up
    once for all its items (a thread-local lookup per date cost more than the date).
    """
    return _date(value, fmt, language or get_language())


def environment(**options):
    # Django's backend renders an undefined name as "{{ name }}" under DEBUG; the pages must not
    # read differently in development than in production.
    options["undefined"] = Undefined
    env = Environment(**options)
    env.filters.update(date=date, floatformat=floatformat, localtime=template_localtime)
    return env


@functools.cache
def _env():
    return engines["jinja2"].env


def macros(name):
    """Return the macros of template `name` (e.g. "epitope/cards.html"), each returning safe markup.

    Jinja2 keeps each compiled template (and its module of macros) for the life of the process.
    """
    return _env().get_template(name).module
