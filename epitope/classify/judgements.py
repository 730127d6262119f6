"""Editors' judgements of relevance: recorded in one click, winning at once, and training data.

An editor marks an article page or an ingested item relevant or not relevant. The judgement is
kept (`models.Judgement`), overrides the classifier's relevance whenever the object is stored
again (`store._store` calls `editorial.apply_judgement`, so `epitope reclassify` keeps it), and
is one example for the next `epitope train-relevance` (`training_examples`).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Q

from .classification import Classification
from .inputs import INPUTS
from .models import Judgement
from .signals import classification_changed
from .store import store_classifications

# The form value of each button, and what it records (None withdraws the judgement).
VERDICTS = {"relevant": True, "not-relevant": False, "withdraw": None}


def judge(objects, relevant: bool | None, user=None) -> int:
    """Record (or, with None, withdraw) the judgement of each object, all of one model, and
    store their classifications again so it wins at once; return how many objects.

    Sends `classification_changed` without scores, so its receivers recompute what they keep
    (a lead's relevance may fall as well as rise) and purge the pages showing the objects.
    """
    objects = [o for o in objects if o.pk is not None and o._meta.label_lower in INPUTS]
    if not objects:
        return 0
    model, read = type(objects[0]), INPUTS[objects[0]._meta.label_lower]
    content_type = ContentType.objects.get_for_model(model)
    with transaction.atomic():
        for obj in objects:
            if relevant is None:
                Judgement.objects.filter(content_type=content_type, object_id=str(obj.pk)).delete()
                continue
            title, text, _subjects = read(obj)
            Judgement.objects.update_or_create(
                content_type=content_type, object_id=str(obj.pk),
                defaults={"relevant": relevant, "title": title, "text": text,
                          "user": user if user is not None and user.is_authenticated else None},
            )
        store_classifications(objects, announce=False)
    classification_changed.send(sender=model, objects=objects, relevance=None)
    return len(objects)


def judgement_of(obj):
    """Return the Judgement of `obj`, or None."""
    return Judgement.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk),
    ).select_related("user").first()


def training_examples() -> list[tuple[str, str, bool]]:
    """Return (title, plain text, relevant) of every judgement, oldest first, for `train-relevance`.

    The text is what the classifier read when the editor judged (an item's abstract, an
    article's standfirst and body), kept with the judgement: the same judgements give the same
    examples, whatever happened to the objects since.
    """
    return [(title, text, relevant) for title, text, relevant in
            Judgement.objects.order_by("pk").values_list("title", "text", "relevant")]


def judgement_counts(since=None) -> dict:
    """Return how many judgements say relevant and not relevant, and how many were made (or
    changed) after `since` (a datetime, e.g. when the model was trained; None: all)."""
    # Aggregate names must differ from the model's fields.
    found = Judgement.objects.aggregate(
        yes=Count("pk", filter=Q(relevant=True)), no=Count("pk", filter=Q(relevant=False)),
        since=Count("pk", filter=Q(updated_at__gt=since)) if since else Count("pk"),
    )
    counts = {"relevant": found["yes"], "not_relevant": found["no"], "since": found["since"]}
    counts["total"] = counts["relevant"] + counts["not_relevant"]
    return counts


def latest_judgements(limit=20) -> list:
    """Return the most recently made or changed judgements, newest first, with their editors."""
    return list(Judgement.objects.select_related("user", "content_type").order_by("-updated_at", "-pk")[:limit])
