"""Content-Security-Policy by area: public pages, the admin, and the admin's sign-in pages.

django-csp sends CONTENT_SECURITY_POLICY (public pages: no inline script, no nonce, so pages
stay cacheable). The admin gets its own policy from settings, as strict as Wagtail 8 allows:
its widgets (choosers, date pickers, inline panels) write inline <script> elements from Python
and the accessibility checker (axe-core) injects <style> elements, none of which can carry a
nonce, so 'unsafe-inline' stays for those two directives; every other directive is 'self' and
no host of another site is allowed anywhere. The sign-in and password-reset pages, which anyone
can reach, use no inline script or style and get the strict policy. A page preview renders the
public page, so it gets the public policy.

Uploaded images may live on another host (an S3 bucket or the CDN in front of it): that one
origin, the site's own media, is added to img-src of every policy.
"""

import re
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver

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


_media = {}


def media_origin():
    """Return the origin uploaded files are served from when it is not ours (S3, CDN), else None."""
    if "origin" not in _media:
        parts = urlsplit(default_storage.url("csp-probe"))
        _media["origin"] = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
    return _media["origin"]


@receiver(setting_changed)
def _forget_media_origin(setting, **kwargs):
    if setting in ("STORAGES", "MEDIA_URL"):
        _media.clear()


class AreaCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policies (see the module docstring)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if parts.config is None:  # a view's own @csp decorator still wins
            parts.config = policy_for(request.path_info)
        origin = media_origin()
        if origin:
            update = dict(parts.update or {})
            update["img-src"] = [*(update.get("img-src") or []), origin]
            parts.update = update
        return parts
