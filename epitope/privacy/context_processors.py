from django.conf import settings


def privacy(request):
    """Expose what the consent banner needs on every public page."""
    from .policies import current_versions

    return {
        "policy_versions": current_versions(),
        "analytics_script_url": settings.EPITOPE_ANALYTICS_SCRIPT_URL,
    }
