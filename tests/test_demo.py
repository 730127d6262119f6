"""`epitope demo`: loads the demo site once, however often it runs, and prints a login that works."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from epitope.articles.alt_text import images_of
from epitope.articles.models import ArticlePage, ArticleReference
from epitope.core.demo import content, pictures
from epitope.core.demo.loader import load_demo
from epitope.topics.models import Topic

pytestmark = pytest.mark.django_db


def run_demo(settings, var_dir):
    settings.VAR_DIR = var_dir
    out = StringIO()
    call_command("demo", "--no-serve", "--port", "8123", stdout=out)
    return out.getvalue()


def counts():
    models = [Topic, Page, get_image_model(), Revision, get_user_model(), ArticleReference]
    return {model.__name__: model.objects.count() for model in models}


def printed_password(output):
    match = re.search(r"Admin: http://127\.0\.0\.1:8123/admin/  user: admin  password: (\S+)", output)
    assert match, output
    return match.group(1)


def test_running_twice_creates_nothing_twice_and_prints_the_same_working_login(settings, tmp_path, client):
    first = run_demo(settings, tmp_path)
    after_first = counts()
    second = run_demo(settings, tmp_path)

    assert counts() == after_first
    assert after_first["Topic"] == len(content.TOPICS)
    assert ArticlePage.objects.live().count() == len(content.ARTICLES) >= 16
    assert "already loaded" in second
    password = printed_password(first)
    assert printed_password(second) == password
    assert (tmp_path / "demo-admin.txt").read_text().strip() == password
    assert client.login(username="admin", password=password)
    assert client.get("/admin/").status_code == 200


def test_every_demo_image_has_alt_text_caption_and_credit_and_its_own_picture(settings):
    load_demo(image_size=(320, 180))
    seen = set()
    for article in ArticlePage.objects.all():
        assert article.hero_image is not None, article.title
        for image in images_of(article):
            assert len(image.alt_text) > 40, image.title
            assert image.caption and image.credit
            seen.add(image.pk)
        assert article.get_latest_revision() is not None and article.first_published_at is not None
    assert len(seen) == get_image_model().objects.count() > len(content.ARTICLES)


def test_alt_text_names_the_colours_actually_drawn():
    from PIL import Image as PILImage

    from epitope.core import imagegen

    for seed in (3, 1101, 2207):
        img = PILImage.open(__import__("io").BytesIO(imagegen.cells_png(seed, 320, 180)))
        background = max(img.getcolors(320 * 180), key=lambda pair: pair[0])[1]
        expected = imagegen.PALETTES[pictures.palette_of(seed)][0]
        assert background == expected
        assert pictures.PALETTE_WORDS[pictures.palette_of(seed)][0] in pictures.describe(seed)


def test_hub_pages_twelve_cards_and_policies_respond(client):
    load_demo(image_size=(320, 180))
    hub = client.get("/cancer-immunology/")
    assert hub.status_code == 200
    assert "Cancer Immunology – News and Features" in hub.content.decode()
    assert len(hub.context["cards"]) == 12
    page_two = client.get("/cancer-immunology/?page=2")
    assert page_two.status_code == 200 and len(page_two.context["cards"]) >= 1
    for url, version in (("/privacy-policy/", "2026-11"), ("/cookie-policy/", "2026-11")):
        response = client.get(url)
        assert response.status_code == 200 and f"Version {version}" in response.content.decode()
    assert client.get("/").status_code == 200
    assert client.get("/articles/").status_code == 200
