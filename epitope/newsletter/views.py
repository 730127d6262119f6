"""Subscribe, confirm, unsubscribe and manage pages.

Links in mails only ever show a page: confirming, unsubscribing and deleting happen on POST,
so mail scanners that fetch every link change nothing. Pages reached by a signed link are
exempt from CSRF checks because the token in the URL is itself the unguessable secret a
CSRF token would be (and RFC 8058 one-click POSTs come from mail providers without one);
they set no cookie either.
"""

import functools
import logging
import smtplib

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from epitope.privacy.consent import is_same_origin
from epitope.topics.models import Topic

from . import links, tokens
from . import subscribe as actions
from .forms import SubscribeForm

logger = logging.getLogger("epitope.newsletter")


def private(view):
    """Keep token pages out of caches, search engines and other sites' Referer logs."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def bad_link(request, exc):
    return render(request, "newsletter/bad_link.html", {"reason": str(exc)}, status=400)


def from_own_pages(request):
    """Return whether a POST comes from this site's own pages (the consent form's test)."""
    own_origin = f"{request.scheme}://{request.get_host()}"
    trusted = getattr(settings, "CSRF_TRUSTED_ORIGINS", ())
    return is_same_origin(request.headers.get("Origin"), request.headers.get("Sec-Fetch-Site"), own_origin, trusted)


# Cross-site posts are refused by the Origin (or Sec-Fetch-Site) header browsers set, as the
# consent form does, not by Django's CSRF token: its csrftoken cookie would be set for every
# reader who merely opens the form, and the Cookie Policy promises readers no such cookie.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def subscribe(request):
    if request.method == "POST":
        if not from_own_pages(request):
            logger.info("newsletter: refused cross-site subscribe from %r", request.headers.get("Origin"))
            return HttpResponseForbidden("Cross-site requests are not accepted.", content_type="text/plain; charset=utf-8")
        form = SubscribeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.subscribe(
                    data["email"], data["topics"], form.filters(), data["frequency"], data["name"]
                )
            except (smtplib.SMTPException, OSError):
                logger.exception("newsletter: could not send a subscription mail")
                form.add_error(None, "We could not send email just now. Please try again in a few minutes.")
                return render(request, "newsletter/subscribe.html", {"form": form}, status=503)
            return redirect("newsletter:subscribe_sent")
    else:
        form = SubscribeForm(initial=_initial_from_hub(request.GET))
    return render(request, "newsletter/subscribe.html", {"form": form})


def _initial_from_hub(params):
    """Prefill the form from a hub's Subscribe link (?topic=<slug>&type=<type>)."""
    initial = {}
    topic = Topic.objects.filter(slug=params.get("topic", "")).first()
    if topic is not None:
        initial["topics"] = [topic.pk]
    if params.get("type") in {"news", "feature"}:
        initial["article_type"] = params["type"]
    return initial


@require_GET
def subscribe_sent(request):
    return render(request, "newsletter/subscribe_sent.html")


@csrf_exempt
@private
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    try:
        subscription = tokens.read_confirm_token(token)
    except tokens.BadToken as exc:
        return bad_link(request, exc)
    if request.method == "POST":
        actions.confirm(subscription)
        return render(request, "newsletter/confirmed.html", {"subscription": subscription})
    return render(request, "newsletter/confirm.html", {"subscription": subscription})


@csrf_exempt
@private
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """Show a button on GET; unsubscribe on POST, including RFC 8058 one-click POSTs."""
    try:
        subscriber, subscriptions = tokens.read_unsubscribe_token(token)
    except tokens.BadToken as exc:
        return bad_link(request, exc)
    context = {"subscriber": subscriber, "subscriptions": list(subscriptions.prefetch_related("topics"))}
    if request.method == "POST":
        actions.unsubscribe(subscriptions)
        context["manage_url"] = _manage_path(subscriber)
        return render(request, "newsletter/unsubscribed.html", context)
    return render(request, "newsletter/unsubscribe.html", context)


def _manage_path(subscriber):
    return reverse("newsletter:manage", args=[tokens.manage_token(subscriber)])


def _manage_view(methods):
    def decorate(view):
        @csrf_exempt
        @private
        @require_http_methods(methods)
        @functools.wraps(view)
        def wrapper(request, token):
            try:
                subscriber = tokens.read_manage_token(token)
            except tokens.BadToken as exc:
                return bad_link(request, exc)
            return view(request, token, subscriber)

        return wrapper

    return decorate


@_manage_view(["GET"])
def manage(request, token, subscriber):
    subscriptions = list(subscriber.subscriptions.prefetch_related("topics"))
    rows = [(s, links.unsubscribe_url(subscriber, [s])) for s in subscriptions]
    return render(request, "newsletter/manage.html", {"subscriber": subscriber, "rows": rows, "token": token})


@_manage_view(["GET"])
def export(request, token, subscriber):
    response = HttpResponse(actions.export_json(subscriber), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="epitope-newsletter-data.json"'
    return response


@_manage_view(["POST"])
def delete(request, token, subscriber):
    actions.erase(subscriber)
    return render(request, "newsletter/deleted.html")


@_manage_view(["POST"])
def revoke(request, token, subscriber):
    actions.revoke_links(subscriber)
    return render(request, "newsletter/revoked.html", {"subscriber": subscriber})


