from django import template

register = template.Library()


@register.simple_tag
def nav_hubs():
    """Return the live topic hubs for the main navigation, in page-tree order."""
    from epitope.topics.models import TopicPage

    return list(TopicPage.objects.live().public().only("title", "url_path", "path").order_by("path")[:8])
