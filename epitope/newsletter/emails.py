"""Transactional mails: confirm a subscription, remind an existing subscriber, a fresh manage link."""

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from . import links


def recipient(subscriber):
    """Return the To: value; Django quotes the display name, the form has refused line breaks."""
    return formataddr((subscriber.name, subscriber.email)) if subscriber.name else subscriber.email


def _send(subscriber, subject, template, context, connection=None):
    context = {"subscriber": subscriber, "site_name": settings.WAGTAIL_SITE_NAME, **context}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"newsletter/email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient(subscriber)],
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"newsletter/email/{template}.html", context), "text/html")
    message.send()
    return message


def send_confirmation(subscription):
    return _send(
        subscription.subscriber,
        f"Confirm your {settings.WAGTAIL_SITE_NAME} digest",
        "confirm",
        {"subscription": subscription, "confirm_url": links.confirm_url(subscription)},
    )


def send_already_subscribed(subscription):
    subscriber = subscription.subscriber
    return _send(
        subscriber,
        f"You already get this {settings.WAGTAIL_SITE_NAME} digest",
        "already_subscribed",
        {"subscription": subscription, "manage_url": links.manage_url(subscriber)},
    )


def send_manage_link(subscriber):
    return _send(
        subscriber,
        f"Your {settings.WAGTAIL_SITE_NAME} subscription link",
        "manage_link",
        {"manage_url": links.manage_url(subscriber)},
    )
