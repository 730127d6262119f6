"""A new image's renditions are made by the worker, so no reader's request waits for them."""

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.models import Filter

import epitope
from epitope.articles import cards
from epitope.core import renditions
from epitope.demo.imagegen import cells_png
from tests import factories as f

PICTURE_TAG = re.compile(r"{%\s*(?:picture|srcset_image|image)\s+\S+\s+(.*?)%}", re.S)


def template_specs():
    """Return {where: filter specs} of every image tag in the templates and the card markup."""
    sources = {str(p): p.read_text() for p in Path(epitope.__file__).parent.rglob("templates/**/*.html")}
    sources["articles/cards.py _PICTURE"] = cards._PICTURE + cards.PICTURE_ATTRS["lazy"]
    found = {}
    for where, text in sources.items():
        for match in PICTURE_TAG.finditer(text):
            # Filter specs come first; attributes (name=value) and "as var" end them.
            words = []
            for word in match.group(1).split():
                if "=" in word or word == "as":
                    break
                words.append(word)
            found.setdefault(where, []).extend(Filter.expand_spec(words))
    return found


def test_every_spec_a_template_shows_is_one_the_worker_makes():
    found = template_specs()
    shown = {spec for specs in found.values() for spec in specs}
    # The scan sees the hero, the figure block and the card (else this test checks nothing).
    assert {"format-avif|width-1600", "format-jpeg|width-800", "format-webp|fill-400x225"} <= shown, found
    made = set(renditions.rendition_specs())
    missing = {where: sorted(set(specs) - made) for where, specs in found.items()}
    assert not any(missing.values()), missing


def run_worker():
    call_command("worker", "--once", stdout=io.StringIO(), stderr=io.StringIO())


def specs_made(image):
    return sorted(image.renditions.values_list("filter_spec", flat=True))


@pytest.fixture
def db_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# The worker closes its database connection between cycles (see test_ingest_cli).
@pytest.mark.django_db(transaction=True)
def test_an_uploaded_image_is_rendered_by_the_worker_and_page_views_make_none(admin_client, client, db_queue):
    from django_tasks_db.models import DBTaskResult

    from wagtail.models import Collection

    # A transactional test before this one may have flushed the root collection migrations made.
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    png = cells_png(seed=11, width=640, height=360)
    response = admin_client.post(reverse("wagtailimages:add"), {
        "title": "Uploaded micrograph", "description": "T cells around a tumour cell",
        "file": SimpleUploadedFile("micrograph.png", png, content_type="image/png"), "collection": root.pk,
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    image = get_image_model().objects.get(title="Uploaded micrograph")
    assert specs_made(image) == []  # the upload request made none
    queued = DBTaskResult.objects.filter(task_path="epitope.core.tasks.make_renditions")
    assert queued.filter(status="READY").count() >= 1

    run_worker()
    assert specs_made(image) == sorted(renditions.rendition_specs())
    assert set(queued.values_list("status", flat=True)) == {"SUCCESSFUL"}

    site = f.hub_site()
    page = f.article(site["index"], "CAR-T cells in solid tumours", [site["cell"]], hero=False, publish=False)
    page.hero_image = image
    page.body = [("figure", {"image": image, "caption": "The same cells, closer"})]
    page.save_revision().publish()
    run_worker()  # the publication queued the page's images again: nothing left to make
    made = image.renditions.count()

    html = client.get(page.url).content.decode()
    hero = image.renditions.get(filter_spec="format-avif|width-800")
    assert hero.url in html and "The same cells, closer" in html
    assert client.get("/cell-therapy/").status_code == 200  # the hub's card
    assert client.get("/cell-therapy/feed/rss/").status_code == 200  # the feed's share picture
    assert image.renditions.count() == made


@pytest.mark.django_db(transaction=True)
def test_publishing_an_article_queues_its_images_made_before(client, db_queue):
    site = f.hub_site()
    with renditions.not_queued():  # as images from before this feature or a bulk import
        hero, figure = f.image(size=(480, 270)), f.image(size=(480, 270))
    page = f.article(site["index"], "TIL counts", [site["cell"]], hero=False, publish=False)
    page.hero_image = hero
    page.body = [("figure", {"image": figure, "caption": ""})]
    assert specs_made(hero) == specs_made(figure) == []

    page.save_revision().publish()
    run_worker()
    assert specs_made(hero) == specs_made(figure) == sorted(renditions.rendition_specs())
    made = get_image_model().objects.get(pk=hero.pk).renditions.count()
    assert client.get(page.url).status_code == 200
    assert hero.renditions.count() == made


@pytest.mark.django_db
def test_an_image_whose_file_is_gone_is_skipped_with_a_warning(caplog):
    image = f.image(size=(160, 90))
    image.file.storage.delete(image.file.name)
    other = f.image(size=(160, 90))
    assert renditions.make_renditions([image.pk, other.pk]) == 1
    assert specs_made(image) == [] and specs_made(other) == sorted(renditions.rendition_specs())
    assert any(r.message.startswith(f"renditions: image {image.pk}") for r in caplog.records)
