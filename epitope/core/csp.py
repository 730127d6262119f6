"""Content-Security-Policy by area: public pages, the admin, and the admin's sign-in pages.

django-csp sends CONTENT_SECURITY_POLICY (public pages: no inline script, no nonce, so pages
stay cacheable). The admin gets its own policy from settings, as strict as Wagtail 8 allows:
its widgets (choosers, date pickers, inline panels) write inline <script> elements from Python
and the accessibility checker (axe-core) injects <style> elements, none of which can carry a
nonce, so 'unsafe-inline' stays for those two directives; every other directive is 'self' and
no host of another site is allowed anywhere. The sign-in and password-reset pages, which anyone
can reach, use no inline script or style and get the strict policy. A page preview renders the
public page, so it gets the public policy.
"""

import re

from csp.middleware import CSPMiddleware
from django.conf import settings

ADMIN_PREFIXES = ("/admin/", "/django-admin/")
_SIGN_IN = re.compile(r"^/(admin/(login|password_reset)|django-admin/(login|password_reset))/")
# Previews of pages and snippets, drafts, revisions and workflow previews: the public page.
_PREVIEW = re.compile(r"^/admin/(pages|snippets)/(.*/)?(preview|view_draft|revisions/\d+/view)/(\d+/)*$")


def policy_for(path):
    """Return the CSP directives for an admin `path`, or None where the public policy applies."""
    if not path.startswith(ADMIN_PREFIXES) or _PREVIEW.match(path):
        return None
    if _SIGN_IN.match(path):
        return settings.EPITOPE_SIGN_IN_CSP_DIRECTIVES
    return settings.EPITOPE_ADMIN_CSP_DIRECTIVES


class AreaCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policies (see the module docstring)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None:  # a view's own @csp decorator still wins
            parts.config = policy_for(request.path_info)
        return parts
