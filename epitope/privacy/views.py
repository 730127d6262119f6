import json
import logging

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseForbidden, HttpResponseRedirect, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import consent
from .policies import current_versions

logger = logging.getLogger("epitope.privacy")

MAX_BODY = 8192  # a choice is ~150 bytes; the form adds the page URL it came from


# Cross-site request forgery is refused by checking the Origin (or Sec-Fetch-Site) header
# instead of Django's CSRF token: the token needs a csrftoken cookie, which would be set
# before the visitor has chosen anything, and a per-visitor token in the banner form would
# make every public page uncacheable. Browsers set these headers themselves and pages on
# another site cannot forge them, which is all the protection this endpoint needs.
@csrf_exempt
@never_cache
@require_POST
def record_consent(request):
    """Record a consent choice as proof, store it in the consent cookie and answer.

    JSON in (from consent.js) gets JSON out; a form post (no JavaScript) is redirected
    back to the page it came from.
    """
    wants_json = request.content_type == "application/json"
    own_origin = f"{request.scheme}://{request.get_host()}"
    trusted = getattr(settings, "CSRF_TRUSTED_ORIGINS", ())
    if not consent.is_same_origin(
        request.headers.get("Origin"), request.headers.get("Sec-Fetch-Site"), own_origin, trusted
    ):
        logger.info("consent: refused cross-site post from %r", request.headers.get("Origin"))
        return _refuse(wants_json, "Cross-site requests are not accepted.", status=403)
    try:
        if len(request.body) > MAX_BODY:
            raise consent.ConsentError("Request too large.")
        data = _payload(request, wants_json)
        versions = current_versions()
        choice = consent.validate_choice(data, versions["privacy"]["version"], versions["cookies"]["version"])
        previous = consent.decode_state(request.COOKIES.get(consent.COOKIE_NAME))
        state = consent.next_state(choice, previous)
    except consent.ConsentError as exc:
        return _refuse(wants_json, str(exc), status=400)
    record = consent.build_record(choice, state, request.headers.get("User-Agent", ""))
    record.save()

    if wants_json:
        response = JsonResponse(
            {
                "consent_id": state.consent_id,
                "categories": state.categories,
                "privacy_version": state.privacy_version,
                "cookie_version": state.cookie_version,
            }
        )
    else:
        response = HttpResponseRedirect(_safe_next(request), status=303)
    # Readable by consent.js (not HttpOnly): the cached pages decide in the browser whether
    # to show the banner. It holds no secret, only the choice itself.
    response.set_cookie(
        consent.COOKIE_NAME,
        consent.encode_state(state),
        max_age=consent.COOKIE_MAX_AGE,
        path="/",
        samesite="Lax",
        secure=request.is_secure(),
        httponly=False,
    )
    return response


def _payload(request, wants_json):
    if not wants_json:
        return consent.choice_from_form(request.POST)
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise consent.ConsentError("Invalid JSON.") from exc


def _safe_next(request):
    target = request.POST.get("next") or "/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _refuse(wants_json, message, status):
    if wants_json:
        return JsonResponse({"error": message}, status=status)
    response_class = HttpResponseForbidden if status == 403 else HttpResponseBadRequest
    return response_class(message, content_type="text/plain; charset=utf-8")
