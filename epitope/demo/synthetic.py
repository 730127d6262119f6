"""Generate realistic synthetic data at scale: published articles, ingested items, story clusters.

For benchmarks and load tests (`epitope generate-data`), never for the demo. Everything comes from
one seed, so two runs with the same arguments write the same rows.

Speed is the point: a million items must take minutes, not hours. So rows go in with
`bulk_create` in batches inside transactions, no per-row signals or saves, and Wagtail pages are
inserted in bulk with their tree paths computed here (treebeard's `add_child` costs several
queries per page). Pages get no revisions: they are live as inserted, as if imported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import random
import uuid
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from epitope.articles.models import ArticlePage
from epitope.classify.store import store_classifications
from epitope.core.site_setup import ensure_article_index, ensure_home
from epitope.ingest.lead_tags import refresh_relevance
from epitope.ingest.models import Cluster, Item, Source
from epitope.ingest.storage import items as item_rows
from epitope.ingest.storage.sql import refresh_planner_statistics

from . import content
from . import synthetic_words as words
from .imagegen import make_image
from .loader import Created, ensure_hubs, ensure_topics

log = logging.getLogger("epitope.demo")

BATCH = 5000
PAGE_BATCH = 500  # SQLite caps the number of parameters in one statement
IMAGE_COUNT = 6
YEARS = 6  # dates spread over this many years back from the end date
SOURCE_COUNT = 24
# How often each kind of item turns up, and which feed format it came through.
KIND_WEIGHTS = (("paper", 55), ("preprint", 15), ("trial", 12), ("news", 18))
KIND_FORMATS = {"paper": "pubmed", "preprint": "biorxiv", "trial": "ctgov", "news": "rss"}
# Most leads stay unread; editors dismiss some and draft a few.
STATUS_WEIGHTS = (("new", 80), ("dismissed", 17), ("drafted", 3))
# How many of the newest items get a stored classification, as ingestion gives every item. All
# of a million would double the time and size of the load (a classification row with its
# evidence and ~7 concept rows per item); the newest are what the leads inbox shows first.
CLASSIFIED_ITEMS = 20_000


@dataclass
class Generated:
    articles: int = 0
    items: int = 0
    clusters: int = 0
    sources: int = 0
    images: int = 0


def generate(articles=1000, items=10000, clusters_ratio=0.7, seed=1, end=None, progress=None, image_size=(800, 450)):
    """Add `articles` live articles and `items` ingested items in ~items*ratio clusters; return counts."""
    end = end or timezone.now()
    say = progress or (lambda message: None)
    rng = random.Random(seed)
    home, index, topics = site_skeleton()
    done = Generated()
    if articles:
        images = pictures(seed, image_size)
        done.images = len(images)
        done.articles = insert_articles(index, topics, images, articles, rng, end, say)
    if items:
        sources = ensure_sources(topics)
        done.sources = len(sources)
        done.clusters, done.items = insert_items(sources, items, clusters_ratio, rng, end, say)
        classify_newest_items(min(items, CLASSIFIED_ITEMS), say)
    refresh_planner_statistics()
    return done


def site_skeleton():
    """Return (home, article index, [topics]) of the demo tree, creating what is missing."""
    home = ensure_home(title=content.SITE_TITLE)
    created = Created()
    topics = ensure_topics(created)
    ensure_hubs(home, topics, created)
    return home, ensure_article_index(home, title=content.ARTICLE_INDEX_TITLE), list(topics.values())


def pictures(seed, size=(800, 450)):
    """Return a handful of hero images shared by every synthetic article (one each would be gigabytes)."""
    Image = get_image_model()
    found = []
    for n in range(IMAGE_COUNT):
        title = f"Synthetic {seed}-{n}"
        image = Image.objects.filter(title=title).first() or make_image(
            title, "Abstract illustration of immune cells around a tumour", seed=seed * 100 + n, size=size
        )
        found.append(image)
    return found


def _spread_date(rng, end, years=YEARS):
    """Return a datetime up to `years` before `end`, denser towards `end` (archives grow)."""
    span = years * 365 * 86400
    return end - dt.timedelta(seconds=int(span * (1 - rng.random() ** 0.6)))


def insert_articles(index, topics, images, count, rng, end, say):
    """Insert `count` live ArticlePages under `index` in bulk; return how many."""
    index = Page.objects.get(pk=index.pk)  # fresh numchild and path
    last = index.get_last_child()
    first_step = (Page._str2int(last.path[-Page.steplen:]) + 1) if last else 1
    content_type = ContentType.objects.get_for_model(ArticlePage)
    leaf_topics = [t for t in topics if t.parent_id is not None] or topics
    through = ArticlePage.topics.through
    made = 0
    while made < count:
        n = min(PAGE_BATCH, count - made)
        with transaction.atomic():
            pages, links = [], []
            for k in range(n):
                step = first_step + made + k
                pages.append(_article_page(index, step, content_type, images, rng, end))
                picked = rng.sample(leaf_topics, rng.choice((1, 1, 1, 2)))
                links.append(picked)
            Page.objects.bulk_create(pages)  # parents' rows; ids come back on SQLite and PostgreSQL
            for page in pages:
                page.page_ptr_id = page.id
            ArticlePage.objects._insert(  # the child table, as Model.save does for inherited models
                pages, fields=ArticlePage._meta.local_concrete_fields, using=connection.alias
            )
            through.objects.bulk_create(
                [through(articlepage_id=p.pk, topic_id=t.pk) for p, picked in zip(pages, links) for t in picked]
            )
            stored = _index_for_search(ArticlePage, [p.pk for p in pages])
            # Hubs filter by stored concepts (`?modality=car-t`): classify as publishing would.
            store_classifications(stored, announce=False)
        made += n
        say(f"articles: {made}/{count}")
    Page.objects.filter(pk=index.pk).update(numchild=index.numchild + count)
    return made


def _article_page(index, step, content_type, images, rng, end):
    when = _spread_date(rng, end)
    article_type = "feature" if rng.random() < 0.25 else "news"
    about = words.subject(rng)
    title = words.headline(rng, about)
    slug = f"synthetic-{step}"
    page = ArticlePage(
        title=title, draft_title=title, slug=slug, content_type=content_type,
        path=index._get_path(index.path, index.depth + 1, step), depth=index.depth + 1, numchild=0,
        url_path=f"{index.url_path}{slug}/", locale_id=index.locale_id, translation_key=uuid.UUID(int=rng.getrandbits(128)),
        live=True, has_unpublished_changes=False, first_published_at=when, last_published_at=when,
        article_type=article_type, date=when.date(), standfirst=words.standfirst(rng, about),
        byline=f"By {words.person(rng)}", hero_image=rng.choice(images),
        body=[("paragraph", f"<p>{p}</p>") for p in words.story_paragraphs(rng, about, 3)],
    )
    return page


def _index_for_search(model, pks):
    """Index the objects for search; return them."""
    objs = list(model.objects.filter(pk__in=pks))
    get_search_backend().add_bulk(model, objs)
    return objs


def classify_newest_items(count, say):
    """Store the classifier's tags of the `count` items inserted last, and their clusters' relevance."""
    if not count:
        return
    items = list(Item.objects.only("pk", "title", "summary", "subjects", "extra", "cluster", "source")
                 .order_by("-pk")[:count])
    for start in range(0, len(items), BATCH):
        store_classifications(items[start:start + BATCH], announce=False)
        say(f"classified items: {min(start + BATCH, len(items))}/{len(items)}")
    refresh_relevance(item.cluster_id for item in items)


def ensure_sources(topics):
    """Return synthetic sources spread over the topics, one per feed kind and topic pairing."""
    kinds = [kind for kind, _ in KIND_WEIGHTS]
    sources = []
    for n in range(SOURCE_COUNT):
        topic = topics[n % len(topics)]
        kind = kinds[n % len(kinds)]
        source, _ = Source.objects.get_or_create(
            name=f"Synthetic {kind} feed {n + 1} ({topic.name})",
            defaults={"kind": KIND_FORMATS[kind] if kind != "news" else "rss", "topic": topic, "active": False,
                      "url": f"https://feeds.example.org/synthetic/{n + 1}.xml", "public": n % 3 == 0},
        )
        sources.append((source, kind))
    return sources


def _plan(count, ratio, rng, end):
    """Return per-item (published, source slot, cluster number) and the cluster count, oldest first.

    An item opens a new story with probability `ratio`, else joins one of the last few stories:
    coverage of one story arrives over days, not years.
    """
    published = sorted(_spread_date(rng, end) for _ in range(count))
    clusters, plan = 0, []
    for when in published:
        if clusters == 0 or rng.random() < ratio:
            clusters += 1
            number = clusters - 1
        else:
            number = clusters - 1 - min(int(rng.expovariate(0.3)), clusters - 1)
        plan.append((when, rng.randrange(SOURCE_COUNT), number))
    return plan, clusters


def insert_items(sources, count, ratio, rng, end, say):
    """Insert `count` items in clusters; return (clusters, items) inserted."""
    plan, cluster_count = _plan(count, max(min(ratio, 1.0), 0.0001), rng, end)
    seed_base = rng.getrandbits(32)
    # Aggregate each story from its items before inserting it: first/last seen, size, sources.
    first = [None] * cluster_count
    last = [None] * cluster_count
    size = [0] * cluster_count
    sources_of: dict[int, set] = {}  # only stories told more than once: most are told once
    for number, (when, slot, cluster) in enumerate(plan):
        if first[cluster] is None:
            first[cluster] = number
        else:
            sources_of.setdefault(cluster, {plan[first[cluster]][1]}).add(slot)
        last[cluster] = when
        size[cluster] += 1
    cluster_ids = []
    for start in range(0, cluster_count, BATCH):
        with transaction.atomic():
            rows = []
            for c in range(start, min(start + BATCH, cluster_count)):
                opener = first[c]
                title = _item_text(seed_base, opener, sources[plan[opener][1]][1])["title"]
                rows.append(Cluster(
                    title=title, first_seen=plan[opener][0], last_seen=last[c], size=size[c],
                    source_count=len(sources_of.get(c, ())) or 1,
                ))
            cluster_ids.extend(c.pk for c in Cluster.objects.bulk_create(rows))
        say(f"clusters: {len(cluster_ids)}/{cluster_count}")
    status_names = [s for s, _ in STATUS_WEIGHTS]
    status_weights = [w for _, w in STATUS_WEIGHTS]
    now = _db_datetime(timezone.now())
    for start in range(0, count, BATCH):
        rows = []
        for number in range(start, min(start + BATCH, count)):
            when, slot, cluster = plan[number]
            source, kind = sources[slot]
            text = _item_text(seed_base, number, kind)
            stamp = _db_datetime(when)
            rows.append((  # item_rows.BULK_COLUMNS, in order
                source.pk, text["identity"], text["title"], text["link"], json.dumps(text["authors"]), stamp, stamp,
                text["summary"], json.dumps(text["identifiers"]), text["doi"], text["pmid"], text["nct"], kind,
                KIND_FORMATS[kind], json.dumps(text["subjects"]), "{}", b"",
                hashlib.sha256(text["identity"].encode()).hexdigest(), "[]", cluster_ids[cluster],
                rng.choices(status_names, status_weights)[0], now, now,
            ))
        with transaction.atomic():
            item_rows.bulk_load(rows)
        say(f"items: {min(start + BATCH, count)}/{count}")
    return cluster_count, count


def _db_datetime(value):
    return connection.ops.adapt_datetimefield_value(value)


def _item_text(seed_base, number, kind):
    """Return the text fields of item `number`: the same for the same seed, whenever asked."""
    rng = random.Random(seed_base + number)
    title = words.paper_title(rng, kind)
    pmid = str(30_000_000 + seed_base % 1_000_000 * 10 + number) if kind == "paper" else ""
    nct = f"NCT{(seed_base + number) % 100_000_000:08d}" if kind == "trial" else ""
    doi = f"10.{rng.randrange(1000, 9999)}/syn.{seed_base % 10_000}.{number}" if kind in ("paper", "preprint", "news") else ""
    identifiers = {k: v for k, v in (("doi", doi), ("pmid", pmid), ("nct", nct)) if v}
    if doi:
        identity = f"doi:{doi}"
    elif nct:
        identity = f"nct:{nct}"
    else:
        identity = f"hash:synthetic-{seed_base}-{number}"
    link = (f"https://doi.org/{doi}" if doi else f"https://clinicaltrials.gov/study/{nct}")
    return {
        "identity": identity, "title": title, "link": link, "summary": words.abstract(rng),
        "authors": [words.person(rng) for _ in range(rng.randint(1, 6))],
        "identifiers": identifiers, "doi": doi, "pmid": pmid, "nct": nct,
        "subjects": rng.sample(words.SUBJECTS, 2),
    }
