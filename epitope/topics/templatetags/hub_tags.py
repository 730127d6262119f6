from django import template
from wagtail.contrib.routable_page.templatetags.wagtailroutablepage_tags import routablepageurl

from epitope.topics.html import render_filter_bar, render_research_items, render_research_panel

register = template.Library()


@register.simple_tag
def research_items(items):
    """Every item of a research list: `{% research_items items %}`."""
    return render_research_items(items)


@register.simple_tag(takes_context=True)
def facet_filter(context, label="Filter stories"):
    """The facet filter bar of a listing, from the context's filter_groups and active_filters."""
    return render_filter_bar(context.get("filter_groups"), context.get("active_filters"), label)


@register.simple_tag(takes_context=True)
def research_panel(context):
    """A hub's "Latest research" panel, from the context's latest_research, page and facet_query."""
    page = context["page"]
    research_url = routablepageurl(context, page, "research")
    return render_research_panel(context.get("latest_research"), research_url, page.topic.name, context.get("facet_query"))
