"""Signed links for confirming, unsubscribing and managing a subscription.

Each purpose has its own salt, so a token made for one can never be replayed as another.
Confirm links expire after a week. Unsubscribe and manage links are long-lived (a digest
from months ago must still unsubscribe) but carry the subscriber's `secret_version`:
bumping it revokes every link sent so far.

A signed token is readable by anyone who has it (base64 of JSON), so it names rows only by
their random `link_key`: no address, no primary key. Links mailed before link keys existed
named them by primary key (and the confirm link by address); those are still read, so old
digests keep unsubscribing, but no new one is made.
"""

import datetime

from django.core import signing

from .models import Subscriber, Subscription

CONFIRM_SALT = "epitope.newsletter.confirm"
UNSUBSCRIBE_SALT = "epitope.newsletter.unsubscribe"
MANAGE_SALT = "epitope.newsletter.manage"

CONFIRM_MAX_AGE = datetime.timedelta(days=7)
# Manage links open the reader's data, so they expire; every digest carries a fresh one.
MANAGE_MAX_AGE = datetime.timedelta(days=180)


class BadToken(Exception):
    """The link was tampered with, has expired or has been revoked."""


def _dumps(payload, salt):
    return signing.dumps(payload, salt=salt, compress=True)


def _loads(token, salt, max_age=None):
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise BadToken("This link has expired.") from exc
    except signing.BadSignature as exc:
        raise BadToken("This link is not valid.") from exc


def confirm_token(subscription):
    return _dumps({"c": subscription.link_key}, CONFIRM_SALT)


def read_confirm_token(token):
    """Return the pending Subscription a confirm link names."""
    data = _loads(token, CONFIRM_SALT, CONFIRM_MAX_AGE)
    if "c" in data:
        named = {"link_key": str(data["c"])}
    else:  # a link mailed before link keys: primary key and address
        named = {"pk": data.get("s"), "subscriber__email": data.get("e")}
    subscription = Subscription.objects.select_related("subscriber").filter(**named).first()
    if subscription is None:
        raise BadToken("This subscription no longer exists.")
    return subscription


def unsubscribe_token(subscriber, subscriptions):
    keys = sorted(s.link_key for s in subscriptions)
    return _dumps({"k": subscriber.link_key, "v": subscriber.secret_version, "s": keys}, UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token):
    """Return (subscriber, queryset of the subscriptions the link unsubscribes from)."""
    data = _loads(token, UNSUBSCRIBE_SALT)
    subscriber = _current_subscriber(data)
    named = [str(value) for value in data.get("s") or []]
    if "k" in data:
        return subscriber, subscriber.subscriptions.filter(link_key__in=named)
    return subscriber, subscriber.subscriptions.filter(pk__in=data.get("s") or [])  # before link keys


def manage_token(subscriber):
    return _dumps({"k": subscriber.link_key, "v": subscriber.secret_version}, MANAGE_SALT)


def read_manage_token(token):
    """Return the Subscriber a manage link belongs to."""
    return _current_subscriber(_loads(token, MANAGE_SALT, MANAGE_MAX_AGE))


def _current_subscriber(data):
    if "k" in data:
        subscriber = Subscriber.objects.filter(link_key=str(data["k"])).first()
    else:  # a link mailed before link keys
        subscriber = Subscriber.objects.filter(pk=data.get("u")).first()
    if subscriber is None:
        raise BadToken("This subscription no longer exists.")
    if subscriber.secret_version != data.get("v"):
        raise BadToken("This link has been replaced by a newer one.")
    return subscriber
