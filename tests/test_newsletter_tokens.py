"""Signed newsletter links: tampered, expired, revoked or re-purposed tokens are refused."""

import json
import time

import pytest
from django.core import signing

from epitope.newsletter import tokens
from epitope.newsletter.models import Subscriber, Subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscription():
    subscriber = Subscriber.objects.create(email="reader@example.org")
    return Subscription.objects.create(subscriber=subscriber)


def signed_at(monkeypatch, seconds_ago):
    """Make tokens created inside the `with` look `seconds_ago` old."""
    stamp = signing.b62_encode(int(time.time() - seconds_ago))
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: stamp)


def test_tokens_round_trip(subscription):
    subscriber = subscription.subscriber
    assert tokens.read_confirm_token(tokens.confirm_token(subscription)) == subscription
    assert tokens.read_manage_token(tokens.manage_token(subscriber)) == subscriber
    who, subs = tokens.read_unsubscribe_token(tokens.unsubscribe_token(subscriber, [subscription]))
    assert who == subscriber and list(subs) == [subscription]


@pytest.mark.parametrize("kind", ["confirm", "manage", "unsubscribe"])
def test_tampered_tokens_are_refused(subscription, kind):
    token = {
        "confirm": lambda: tokens.confirm_token(subscription),
        "manage": lambda: tokens.manage_token(subscription.subscriber),
        "unsubscribe": lambda: tokens.unsubscribe_token(subscription.subscriber, [subscription]),
    }[kind]()
    reader = getattr(tokens, f"read_{kind}_token")
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (flipped, "x" + token, token.replace(":", ".", 1), ""):
        with pytest.raises(tokens.BadToken):
            reader(bad)


def test_payload_cannot_be_swapped_for_another_subscriber(subscription):
    other = Subscriber.objects.create(email="other@example.org")
    token = tokens.manage_token(subscription.subscriber)
    rest = token.split(":", 1)[1]
    forged = signing.dumps({"u": other.pk, "v": 1}, salt="wrong-salt", compress=True).split(":", 1)[0]
    with pytest.raises(tokens.BadToken):
        tokens.read_manage_token(f"{forged}:{rest}")


def test_token_for_one_purpose_is_refused_for_another(subscription):
    manage = tokens.manage_token(subscription.subscriber)
    with pytest.raises(tokens.BadToken):
        tokens.read_unsubscribe_token(manage)
    with pytest.raises(tokens.BadToken):
        tokens.read_confirm_token(manage)


def test_confirm_link_expires_after_seven_days(subscription, monkeypatch):
    signed_at(monkeypatch, 6 * 86400)
    fresh_enough = tokens.confirm_token(subscription)
    signed_at(monkeypatch, 7 * 86400 + 60)
    expired = tokens.confirm_token(subscription)
    monkeypatch.undo()
    assert tokens.read_confirm_token(fresh_enough) == subscription
    with pytest.raises(tokens.BadToken, match="expired"):
        tokens.read_confirm_token(expired)


def test_unsubscribe_link_lasts_but_manage_link_expires(subscription, monkeypatch):
    signed_at(monkeypatch, 365 * 86400)
    old_unsubscribe = tokens.unsubscribe_token(subscription.subscriber, [subscription])
    old_manage = tokens.manage_token(subscription.subscriber)
    monkeypatch.undo()
    assert tokens.read_unsubscribe_token(old_unsubscribe)[0] == subscription.subscriber
    with pytest.raises(tokens.BadToken):
        tokens.read_manage_token(old_manage)


def test_bumping_the_secret_version_revokes_links(subscription):
    subscriber = subscription.subscriber
    manage = tokens.manage_token(subscriber)
    unsubscribe = tokens.unsubscribe_token(subscriber, [subscription])
    subscriber.secret_version += 1
    subscriber.save()
    for reader, token in ((tokens.read_manage_token, manage), (tokens.read_unsubscribe_token, unsubscribe)):
        with pytest.raises(tokens.BadToken, match="newer"):
            reader(token)
    assert tokens.read_manage_token(tokens.manage_token(subscriber)) == subscriber


def test_links_to_deleted_subscribers_are_refused(subscription):
    token = tokens.confirm_token(subscription)
    subscription.subscriber.delete()
    with pytest.raises(tokens.BadToken):
        tokens.read_confirm_token(token)


def outsider_reads(token):
    """Return what anyone holding the link can read of it without the secret key: the payload."""
    import base64
    import zlib

    payload = token.split(":", 1)[0]
    compressed = payload.startswith(".")
    data = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4))
    return (zlib.decompress(data) if compressed else data).decode()


def test_no_link_reveals_the_address_or_a_row_number(subscription):
    subscriber = subscription.subscriber
    Subscriber.objects.filter(pk=subscriber.pk).update(secret_version=7)  # distinct from every pk below
    subscriber.refresh_from_db()
    assert 7 not in (subscriber.pk, subscription.pk)
    read = {
        "confirm": outsider_reads(tokens.confirm_token(subscription)),
        "manage": outsider_reads(tokens.manage_token(subscriber)),
        "unsubscribe": outsider_reads(tokens.unsubscribe_token(subscriber, [subscription])),
    }
    for kind, text in read.items():
        assert "reader" not in text and "example" not in text, kind
        values = json.loads(text)
        shown = [v for key, v in values.items() if key != "v"]
        flat = [x for v in shown for x in (v if isinstance(v, list) else [v])]
        assert all(isinstance(x, str) and len(x) >= 20 for x in flat), (kind, values)  # random keys only
        assert values.get("v", 7) == 7
    assert read["confirm"] != outsider_reads(tokens.confirm_token(Subscription.objects.create(subscriber=subscriber)))


def test_every_row_gets_its_own_random_link_key(subscription):
    other = Subscriber.objects.create(email="other@example.org")
    keys = {subscription.link_key, subscription.subscriber.link_key, other.link_key,
            Subscription.objects.create(subscriber=other).link_key}
    assert len(keys) == 4


def test_links_mailed_before_link_keys_still_work(subscription):
    """Digests already in inboxes named rows by primary key (and the confirm link by address)."""
    subscriber = subscription.subscriber
    old_confirm = signing.dumps({"s": subscription.pk, "e": subscriber.email}, salt=tokens.CONFIRM_SALT,
                                compress=True)
    old_unsubscribe = signing.dumps({"u": subscriber.pk, "v": 1, "s": [subscription.pk]},
                                    salt=tokens.UNSUBSCRIBE_SALT, compress=True)
    old_manage = signing.dumps({"u": subscriber.pk, "v": 1}, salt=tokens.MANAGE_SALT, compress=True)
    assert tokens.read_confirm_token(old_confirm) == subscription
    who, subs = tokens.read_unsubscribe_token(old_unsubscribe)
    assert who == subscriber and list(subs) == [subscription]
    assert tokens.read_manage_token(old_manage) == subscriber
    subscriber.secret_version += 1
    subscriber.save()
    with pytest.raises(tokens.BadToken, match="newer"):
        tokens.read_manage_token(old_manage)


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_rows_distinct_keys():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("newsletter", "0001_initial")])
    try:
        old = executor.loader.project_state([("newsletter", "0001_initial")]).apps
        for n in range(3):
            person = old.get_model("newsletter", "Subscriber").objects.create(email=f"old{n}@example.org")
            old.get_model("newsletter", "Subscription").objects.create(subscriber=person)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    keys = list(Subscriber.objects.values_list("link_key", flat=True))
    keys += list(Subscription.objects.values_list("link_key", flat=True))
    assert len(keys) == 6 and len(set(keys)) == 6 and all(len(k) >= 20 for k in keys)
