"""Load the demo site: topics, hubs, articles, policy pages. Running it again creates nothing twice.

Everything is matched on a natural key (topic slug, page slug, policy kind, image title), so a
second run finds what the first made, and an editor's later changes to demo pages are kept.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.html import escape
from wagtail.images import get_image_model

from epitope.articles.cards import CARD_RENDITIONS
from epitope.articles.models import ArticleAuthor, ArticlePage, ArticleReference, AuthorPage
from epitope.core import renditions, site_urls
from epitope.core.site_setup import ensure_article_index, ensure_author_index, ensure_home, ensure_hub
from epitope.feeds.items import byline_names
from epitope.ingest.models import Item, Source
from epitope.ingest.pipeline import identity_of, ingest_records
from epitope.ingest.records import Record
from epitope.privacy.models import PolicyPage
from epitope.topics.models import Topic

from . import authors as demo_authors
from . import content, pictures, research

# Every demo picture's title starts with this, so reruns and warm-up can find them.
IMAGE_TITLE_PREFIX = "Demo: "


@dataclass
class Created:
    """What one run added, by kind: [] everywhere on a second run."""

    topics: list = field(default_factory=list)
    pages: list = field(default_factory=list)
    images: list = field(default_factory=list)
    research: list = field(default_factory=list)  # titles of demo ingested items

    def __bool__(self):
        return bool(self.topics or self.pages or self.images or self.research)


def load_demo(hostname="localhost", port=8000, image_size=(1200, 675)):
    """Create whatever part of the demo site is missing and return what was created."""
    # `epitope demo` runs the queue before serving: a minute of renditions for ~20 pictures
    # would hold it up; it renders the card sizes itself (warm_card_renditions).
    with renditions.not_queued():
        return _load_demo(hostname, port, image_size)


def _load_demo(hostname, port, image_size):
    created = Created()
    home = ensure_home(title=content.SITE_TITLE, hostname=hostname, port=port)
    _point_default_site(home, hostname, port)
    if not home.intro:
        home.intro = content.HOME_INTRO
        home.save_revision().publish()
    topics = ensure_topics(created)
    ensure_hubs(home, topics, created)
    authors = ensure_authors(home, created)
    index = ensure_article_index(home, title=content.ARTICLE_INDEX_TITLE)
    for story in content.ARTICLES:
        ensure_article(index, story, topics, created, image_size, authors)
    ensure_policies(home, created)
    ensure_research(topics, created)
    return created


def _point_default_site(home, hostname, port):
    """Make every absolute URL (`core.site_urls`) use the address the demo serves on."""
    site_urls.point_default_site(f"http://{hostname}:{port}", content.SITE_TITLE)


def ensure_topics(created):
    """Return {slug: Topic} for the demo tree, creating missing topics parents first."""
    topics = {}
    for spec in content.TOPICS:
        topic = Topic.objects.filter(slug=spec["slug"]).first()
        if topic is None:
            topic = Topic.objects.create(
                name=spec["name"],
                slug=spec["slug"],
                parent=topics.get(spec["parent"]),
                description=spec["description"],
            )
            created.topics.append(topic.slug)
        topics[topic.slug] = topic
    return topics


def ensure_hubs(home, topics, created):
    for spec in content.HUBS:
        hub = ensure_hub(home, topics[spec["topic"]], heading=spec.get("heading", ""))
        if hub.latest_revision_id is None:  # just made by ensure_hub: finish it and publish
            hub.intro = spec["intro"]
            hub.save_revision().publish()
            created.pages.append(hub.url_path)


def ensure_authors(home, created):
    """Return {name: AuthorPage} for the demo's authors, with bios and generated portraits.

    An author page that exists without a bio (made from a byline by the articles migration) is
    completed; one with a bio is an editor's and is left as it is.
    """
    index = ensure_author_index(home)
    if not index.intro:
        index.intro = demo_authors.AUTHOR_INDEX_INTRO
        index.save_revision().publish()
    found = {}
    for spec in demo_authors.AUTHORS:
        author = AuthorPage.objects.child_of(index).filter(slug=spec["slug"]).first()
        if author is None or not author.bio:
            title = f"{IMAGE_TITLE_PREFIX}{spec['slug']} (portrait)"
            photo, new = pictures.ensure_portrait(title, spec["portrait_seed"], spec["name"])
            if new:
                created.images.append(title)
            if author is None:
                author = index.add_child(instance=AuthorPage(title=spec["name"], slug=spec["slug"]))
            author.role, author.bio, author.photo = spec["role"], spec["bio"], photo
            author.save_revision().publish()
            created.pages.append(author.url_path)
        found[author.title] = author
    return found


def ensure_article(index, story, topics, created, image_size, authors=None):
    if ArticlePage.objects.child_of(index).filter(slug=story["slug"]).exists():
        return None
    date = datetime.date.fromisoformat(story["date"])
    hero = _picture(story["slug"], story["image"], created, image_size)
    revised = demo_authors.REVISED if demo_authors.REVISED["slug"] == story["slug"] else {}
    page = ArticlePage(
        title=story["title"],
        slug=story["slug"],
        article_type=story["type"],
        date=date,
        standfirst=story["standfirst"],
        byline=story["byline"],
        hero_image=hero,
        body=[_block(story["slug"], block, created, image_size) for block in story["body"]],
        corrections=revised.get("corrections", ""),
        # The story's own date rather than the moment the demo was loaded, so the history reads right.
        first_published_at=timezone.make_aware(datetime.datetime.combine(date, datetime.time(9, 0))),
    )
    index.add_child(instance=page)
    page.topics.set([topics[slug] for slug in story["topics"]])
    page.references = [
        ArticleReference(kind=kind, identifier=identifier, title=title)
        for kind, identifier, title in story.get("references", [])
    ]
    page.authors = [
        ArticleAuthor(author=authors[name]) for name in byline_names(story["byline"]) if name in (authors or {})
    ]
    page.save_revision().publish()
    # Last revised when the story says, not when the demo was loaded (the "Updated" line, dateModified).
    last = revised.get("revised")
    last = timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(last), datetime.time(15, 0))) if last else page.first_published_at
    ArticlePage.objects.filter(pk=page.pk).update(last_published_at=last)
    created.pages.append(page.url_path)
    return page


def _picture(slug, spec, created, image_size, suffix="hero"):
    title = f"{IMAGE_TITLE_PREFIX}{slug} ({suffix})"
    image, new = pictures.ensure_picture(
        title, spec["seed"], spec["caption"], subject=spec.get("subject", "tumour cells"), size=image_size
    )
    if new:
        created.images.append(title)
    return image


def _block(slug, block, created, image_size):
    """Turn one plain-data body item into a StreamField (type, value) pair."""
    if isinstance(block, str):
        return ("paragraph", f"<p>{escape(block)}</p>")
    if "quote" in block:
        return ("quote", {"quote": block["quote"], "attribution": block.get("attribution", "")})
    if "figure" in block:
        image = _picture(slug, block["figure"], created, image_size, suffix="figure")
        return ("figure", {"image": image, "caption": block["figure"]["caption"]})
    raise ValueError(f"demo: unknown body block in {slug}: {block!r}")


def ensure_policies(home, created):
    for spec in content.POLICIES:
        if PolicyPage.objects.filter(kind=spec["kind"]).exists():
            continue
        page = PolicyPage(
            title=spec["title"],
            slug=spec["slug"],
            kind=spec["kind"],
            version=spec["version"],
            effective_date=datetime.date.fromisoformat(spec["effective_date"]),
            summary=spec["summary"],
            body=spec["body"],
        )
        home.add_child(instance=page)
        page.save_revision().publish()
        created.pages.append(page.url_path)


def ensure_research(topics, created):
    """Store the demo's invented papers, preprints and trials (research.py) from paused public sources.

    They go through the ingestion pipeline, so a rerun stores nothing twice and they are
    classified like fetched items; the sources are paused because their feeds do not exist.
    """
    sources = [
        Source.objects.get_or_create(name=spec["name"], defaults={
            "kind": "rss", "url": spec["url"], "topic": topics[spec["topic"]], "public": True, "active": False,
        })[0]
        for spec in research.SOURCES
    ]
    for n, source in enumerate(sources):
        records = [
            Record(
                title=title, summary=abstract, kind=kind, source_format="rss",
                link=f"https://example.org/demo/{kind}/{ident.lower().replace('/', '-')}",
                identifiers={"nct": ident} if kind == "trial" else {"doi": ident},
                published=timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(9))),
            )
            for index, kind, ident, day, title, abstract in research.ITEMS if index == n
        ]
        identities = {identity_of(r): r.title for r in records}
        known = set(Item.objects.filter(identity__in=identities).values_list("identity", flat=True))
        ingest_records(source, records)
        stored = set(Item.objects.filter(identity__in=identities).values_list("identity", flat=True))
        created.research += [identities[i] for i in sorted(stored - known)]


def warm_card_renditions():
    """Render the card sizes of every demo picture now, so the first visit to a hub is not slow.

    Return how many pictures were checked; existing renditions are reused, so reruns are quick.
    """
    images = get_image_model().objects.filter(title__startswith=IMAGE_TITLE_PREFIX)
    images = images.prefetch_renditions(*CARD_RENDITIONS)
    for image in images:
        image.get_renditions(*CARD_RENDITIONS)
    return len(images)
