"""Build one digest issue: which articles a subscriber gets for a period, as a ready email.

An issue is a period (the previous ISO week, or the previous day) and a key naming it.
A subscriber gets one email per issue, with a section per active subscription of that
frequency; an article already shown in an earlier section is not repeated.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from epitope.articles.models import ArticlePage
from epitope.topics.taxonomy import topic_tree

from . import links
from .emails import recipient
from .models import DAILY, WEEKLY

EMAIL_RENDITION = "fill-600x338|format-jpeg"  # mail clients cannot show AVIF/WebP
MAX_ARTICLES_PER_SECTION = 20


@dataclass(frozen=True)
class Issue:
    frequency: str
    start: datetime.date  # first day covered
    end: datetime.date  # first day NOT covered

    @property
    def key(self):
        return f"{self.frequency}:{self.start.isoformat()}"

    @property
    def label(self):
        if self.frequency == DAILY:
            return self.start.strftime("%-d %B %Y")
        # Plain ASCII: a subject that needs RFC 2047 encoding gets folded oddly by some clients.
        return f"week of {self.start.strftime('%-d %B %Y')}"


def issue_for(frequency, now=None):
    """Return the latest complete issue at `now`: the previous Monday–Sunday week, or yesterday."""
    today = timezone.localdate(now or timezone.now())
    if frequency == WEEKLY:
        end = today - datetime.timedelta(days=today.weekday())
        return Issue(WEEKLY, end - datetime.timedelta(days=7), end)
    if frequency == DAILY:
        return Issue(DAILY, today - datetime.timedelta(days=1), today)
    raise ValueError(f"newsletter: unknown frequency {frequency!r}")


@dataclass
class Card:
    title: str
    url: str
    standfirst: str
    type_label: str
    date: datetime.date
    image_url: str = ""
    image_alt: str = ""
    image_width: int = 0
    image_height: int = 0


@dataclass
class Section:
    subscription: object
    title: str
    cards: list = field(default_factory=list)


@dataclass
class Digest:
    subscriber: object
    issue: Issue
    sections: list

    @property
    def article_count(self):
        return sum(len(s.cards) for s in self.sections)

    @property
    def is_empty(self):
        return self.article_count == 0

    @property
    def subscriptions(self):
        return [s.subscription for s in self.sections]


def articles_for(subscription, issue, tree=None):
    """Return the live articles dated within the issue that the subscription asks for."""
    tree = tree or topic_tree()
    topic_ids = {d for t in subscription.topics.all() for d in tree.descendants(t.pk)}
    qs = ArticlePage.objects.listed_in(topic_ids, subscription.filters.get("type") or "")
    qs = qs.filter(date__gte=issue.start, date__lt=issue.end).select_related("hero_image")
    return list(qs.defer_streamfields()[:MAX_ARTICLES_PER_SECTION])


def card_for(article):
    card = Card(
        title=article.title,
        url=links.absolute_url(article.url),
        standfirst=article.standfirst,
        type_label=article.get_article_type_display(),
        date=article.date,
    )
    if article.hero_image is not None:
        rendition = article.hero_image.get_rendition(EMAIL_RENDITION)
        card.image_url = links.absolute_url(rendition.url)
        card.image_alt = article.hero_image.alt_text
        card.image_width, card.image_height = rendition.width, rendition.height
    return card


def build_digest(subscriber, issue, tree=None):
    """Return the Digest of `issue` for a subscriber: one section per matching subscription."""
    tree = tree or topic_tree()
    subscriptions = subscriber.active_subscriptions().filter(frequency=issue.frequency)
    subscriptions = subscriptions.prefetch_related("topics")
    seen, sections = set(), []
    for subscription in subscriptions:
        articles = [a for a in articles_for(subscription, issue, tree) if a.pk not in seen]
        seen.update(a.pk for a in articles)
        sections.append(Section(subscription, subscription.describe(), [card_for(a) for a in articles]))
    return Digest(subscriber, issue, sections)


def render_message(digest, connection=None):
    """Return the digest as a multipart (text + HTML) email with RFC 8058 one-click unsubscribe."""
    subscriber = digest.subscriber
    unsubscribe_url = links.unsubscribe_url(subscriber, digest.subscriptions)
    mailto = links.unsubscribe_mailto(subscriber, digest.subscriptions)
    context = {
        "digest": digest,
        "issue": digest.issue,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "unsubscribe_url": unsubscribe_url,
        "manage_url": links.manage_url(subscriber),
    }
    list_unsubscribe = f"<{unsubscribe_url}>" + (f", <{mailto}>" if mailto else "")
    message = EmailMultiAlternatives(
        subject=f"{settings.WAGTAIL_SITE_NAME} {digest.issue.frequency} digest: {digest.issue.label}",
        body=render_to_string("newsletter/email/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient(subscriber)],
        connection=connection,
        headers={
            "List-Unsubscribe": list_unsubscribe,
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{settings.WAGTAIL_SITE_NAME} {digest.issue.frequency} digest "
            f"<{digest.issue.frequency}.digest.{_list_domain()}>",
            "X-Epitope-Issue": digest.issue.key,
        },
    )
    message.attach_alternative(render_to_string("newsletter/email/digest.html", context), "text/html")
    return message


def _list_domain():
    return urlsplit(links.base_url()).hostname or "localhost"
