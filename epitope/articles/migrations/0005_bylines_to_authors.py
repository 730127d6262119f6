"""Give each story whose byline names people an author page per person, in the byline's order.

Only where it is safe: a byline is taken when every name in it looks like a person's name (two
to four capitalised words: "By Ada Lovelace and Alan Turing"); "By our staff", "Reuters" or
"Epitope desk" stay as plain text, which the page still shows when a story has no authors. The
byline itself is kept. The rules are copied here, not imported, so later changes to the site's
code do not change what this migration did.

Pages are made as Wagtail's own data migrations make them (no treebeard methods on historical
models): path, depth and numchild by hand. They get no revision; the search index learns of
them at the next `update_index`.
"""

import re
import uuid

from django.db import migrations
from django.utils import timezone
from django.utils.text import slugify

STEP = 4  # treebeard's steplen for Wagtail pages
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_BY = re.compile(r"^\s*by\s+", re.IGNORECASE)
_NAME = re.compile(r"^[A-ZÀ-Þ][\w.'’-]*(?: [A-ZÀ-Þa-z][\w.'’-]*){1,3}$")
_NOT_A_PERSON = {"staff", "desk", "team", "reporters", "editors", "correspondent", "epitope"}


def names_in(byline):
    """Return the people a byline names, or [] when any part of it is not clearly a person."""
    text = _BY.sub("", byline or "").strip()
    names = [name.strip() for name in re.split(r",|\band\b|&", text) if name.strip()]
    for name in names:
        words = name.split()
        if not _NAME.match(name) or not words[0][0].isupper() or not words[-1][0].isupper():
            return []
        if any(word.lower().strip(".") in _NOT_A_PERSON for word in words):
            return []
    return names


def _next_child_path(Page, parent):
    last = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("-path").first()
    number = int(last.path[-STEP:], 36) + 1 if last else 1
    step = ""
    while number:
        number, digit = divmod(number, 36)
        step = ALPHABET[digit] + step
    return parent.path + step.rjust(STEP, "0")


def _add_child(Page, parent, model, content_type, **fields):
    now = timezone.now()
    child = model.objects.create(
        path=_next_child_path(Page, parent), depth=parent.depth + 1, numchild=0,
        url_path=f"{parent.url_path}{fields['slug']}/", content_type=content_type, locale_id=parent.locale_id,
        translation_key=uuid.uuid4(), draft_title=fields["title"], live=True, has_unpublished_changes=False,
        first_published_at=now, last_published_at=now, **fields,
    )
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + 1)
    parent.numchild += 1
    return child


def bylines_to_authors(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    ContentType = apps.get_model("contenttypes", "ContentType")
    HomePage = apps.get_model("core", "HomePage")
    ArticlePage = apps.get_model("articles", "ArticlePage")
    ArticleAuthor = apps.get_model("articles", "ArticleAuthor")
    AuthorIndexPage = apps.get_model("articles", "AuthorIndexPage")
    AuthorPage = apps.get_model("articles", "AuthorPage")

    stories = {
        story.pk: names_in(story.byline)
        for story in ArticlePage.objects.exclude(byline="").filter(authors__isnull=True).only("pk", "byline")
    }
    stories = {pk: names for pk, names in stories.items() if names}
    homes = list(HomePage.objects.all()[:2])
    if not stories or len(homes) != 1:  # nothing to do, or no single place for /authors/
        return
    home = Page.objects.get(pk=homes[0].pk)
    types = {
        model: ContentType.objects.get_or_create(app_label="articles", model=model)[0]
        for model in ("authorindexpage", "authorpage")
    }
    index = AuthorIndexPage.objects.first()
    if index is None:
        if Page.objects.filter(path__startswith=home.path, depth=home.depth + 1, slug="authors").exists():
            return  # another page holds /authors/: an editor decides
        index = _add_child(Page, home, AuthorIndexPage, types["authorindexpage"], title="Authors", slug="authors")
    index = Page.objects.get(pk=index.pk)
    by_name = {author.title: author for author in AuthorPage.objects.filter(path__startswith=index.path)}
    taken = set(Page.objects.filter(path__startswith=index.path, depth=index.depth + 1).values_list("slug", flat=True))
    for story_pk, names in sorted(stories.items()):
        for order, name in enumerate(dict.fromkeys(names)):
            author = by_name.get(name)
            if author is None:
                slug, n = slugify(name) or "author", 1
                while slug in taken:
                    n += 1
                    slug = f"{slugify(name) or 'author'}-{n}"
                taken.add(slug)
                author = by_name[name] = _add_child(Page, index, AuthorPage, types["authorpage"], title=name, slug=slug)
            ArticleAuthor.objects.create(page_id=story_pk, author_id=author.pk, sort_order=order)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0004_authors_and_corrections"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(bylines_to_authors, migrations.RunPython.noop)]
