"""Absolute links for emails: built from the default Site's address (`core.site_urls`), never
from the request's Host header, so a forged Host cannot plant its own domain in a confirmation
mail, and mails name the same address as the site's canonical links."""

from email.utils import parseaddr
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse

from epitope.core import site_urls

from . import tokens


def base_url():
    return site_urls.root_url()


def absolute_url(path_or_url):
    return site_urls.absolute(path_or_url)


def confirm_url(subscription):
    return absolute_url(reverse("newsletter:confirm", args=[tokens.confirm_token(subscription)]))


def unsubscribe_url(subscriber, subscriptions):
    token = tokens.unsubscribe_token(subscriber, subscriptions)
    return absolute_url(reverse("newsletter:unsubscribe", args=[token]))


def manage_url(subscriber):
    return absolute_url(reverse("newsletter:manage", args=[tokens.manage_token(subscriber)]))


def unsubscribe_mailto(subscriber, subscriptions):
    """Return the mailto: half of List-Unsubscribe, or "" when no mailbox is configured.

    The subject carries the same signed token as the https link, so whatever reads that
    mailbox can hand the message to `epitope newsletter-unsubscribe-mail`.
    """
    mailbox = getattr(settings, "EPITOPE_NEWSLETTER_UNSUBSCRIBE_MAILBOX", "") or parseaddr(
        settings.DEFAULT_FROM_EMAIL
    )[1]
    if not mailbox:
        return ""
    token = tokens.unsubscribe_token(subscriber, subscriptions)
    return f"mailto:{mailbox}?subject={quote('unsubscribe ' + token)}"
