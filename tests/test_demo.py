"""`epitope demo`: loads the demo site once, however often it runs, and prints a login that works."""

import io
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils.html import escape
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from epitope.articles.alt_text import images_of
from epitope.articles.models import ArticlePage, ArticleReference, AuthorPage
from epitope.demo import authors as demo_authors
from epitope.demo import content, imagegen, pictures
from epitope.demo.admin_login import ensure_admin
from epitope.demo.loader import load_demo
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


@pytest.mark.django_db(transaction=True)  # the demo's worker closes its connection
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


def test_demo_site_hub_pages_alt_text_and_policies(client):
    load_demo(image_size=(320, 180))

    hub = client.get("/cancer-immunology/")
    html = hub.content.decode()
    assert hub.status_code == 200
    assert "Cancer Immunology – News and Features" in html
    cards = list(hub.context["cards"])
    assert len(cards) == 12
    assert [card.date for card in cards] == sorted((card.date for card in cards), reverse=True)
    assert {card.article_type for card in cards} == {"news", "feature"}
    for card in cards:  # the reader (and a screen reader) gets each picture's description
        assert f'alt="{escape(card.hero_image.alt_text)}"' in html
    page_two = client.get("/cancer-immunology/?page=2")
    assert page_two.status_code == 200
    assert len(page_two.context["cards"]) == len(content.ARTICLES) - 12

    seen = set()
    for article in ArticlePage.objects.live():
        assert article.hero_image is not None, article.title
        for image in images_of(article):
            assert len(image.alt_text) > 40 and image.caption and image.credit, image.title
            seen.add(image.pk)
        assert article.get_latest_revision() is not None and article.first_published_at is not None
    authors = list(AuthorPage.objects.live())
    assert len(authors) == len(demo_authors.AUTHORS)
    for author in authors:  # a bio, a role and a portrait described for those who cannot see it
        assert author.bio and author.role and len(author.photo.alt_text) > 40, author.title
        assert author.title in author.photo.alt_text
        seen.add(author.photo_id)
    assert len(seen) == get_image_model().objects.count() > len(content.ARTICLES)
    assert all(article.listed_authors() for article in ArticlePage.objects.live())

    for url, words in (("/privacy-policy/", "Your rights"), ("/cookie-policy/", "epitope_consent")):
        response = client.get(url)
        assert response.status_code == 200
        assert "Version 2026-11" in response.content.decode() and words in response.content.decode()
    home = client.get("/")
    assert home.status_code == 200 and "/cancer-immunology/" in home.content.decode()


def test_alt_text_names_the_colours_actually_drawn():
    for seed in (3, 1101, 2207):
        img = PILImage.open(io.BytesIO(imagegen.cells_png(seed, 320, 180)))
        background = max(img.getcolors(320 * 180), key=lambda pair: pair[0])[1]
        assert background == imagegen.PALETTES[pictures.palette_of(seed)][0]
        assert pictures.PALETTE_WORDS[pictures.palette_of(seed)][0] in pictures.describe(seed)


def test_portrait_alt_text_names_the_colours_actually_drawn():
    for seed in (7101, 7102, 7103):
        img = PILImage.open(io.BytesIO(imagegen.portrait_png(seed, 120)))
        colours = sorted(img.getcolors(120 * 120), key=lambda pair: pair[0])
        palette = imagegen.PALETTES[pictures.palette_of(seed)]
        figure = img.getpixel((60, 50))  # the middle of the head
        k = palette[1].index(min(palette[1], key=lambda c: sum(abs(a - b) for a, b in zip(c, figure))))
        alt = pictures.describe_portrait(seed, "Ada")
        assert colours[-1][1] == palette[0] and pictures.PALETTE_WORDS[pictures.palette_of(seed)][0] in alt
        assert f"faceless {pictures.PALETTE_WORDS[pictures.palette_of(seed)][k + 1]} head" in alt


def test_admin_login_keeps_its_password_file_and_never_overwrites_a_changed_password(tmp_path):
    password_file = tmp_path / "var" / "demo-admin.txt"
    first = ensure_admin(password_file)
    assert first.works and password_file.read_text().strip() == first.password
    assert ensure_admin(password_file).password == first.password

    user = get_user_model().objects.get(username="admin")
    user.set_password("changed-by-the-developer")
    user.save()
    again = ensure_admin(password_file)
    assert not again.works  # the command then says so instead of printing a password that fails
    assert get_user_model().objects.get(username="admin").check_password("changed-by-the-developer")


@pytest.mark.django_db(transaction=True)  # the demo's worker closes its connection
def test_demo_on_the_database_task_queue_is_searchable_at_once(settings, tmp_path, client):
    # The embedded default queues search-index updates; `epitope demo` runs them before serving.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run_demo(settings, tmp_path)
    response = client.get("/search/?q=lymphoma")
    assert response.status_code == 200
    assert 'class="card"' in response.content.decode()
