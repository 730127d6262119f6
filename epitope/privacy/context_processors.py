from django.conf import settings

from .policies import current_versions


def privacy(request):
    """Expose what the consent banner needs on every public page."""
    return {
        "policy_versions": current_versions(),
        "analytics_script_url": settings.EPITOPE_ANALYTICS_SCRIPT_URL,
    }
