"""Media on S3-compatible storage: a real S3 server on loopback, the storage set up as in production.

Editors upload images through Wagtail; readers get renditions from the bucket (or the CDN domain
in front of it), never from the web server's disk.
"""

import importlib
import io
import re
import secrets
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from botocore.exceptions import ClientError
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model

from epitope.demo.imagegen import cells_png
from tests import factories as f
from tests.s3_support import ServerUnavailable, s3_server

pytestmark = pytest.mark.django_db

PRODUCTION = "epitope.settings.production"
CDN = "media.epitope.test"


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    try:
        with s3_server(tmp_path_factory.mktemp("s3")) as server:
            yield server
    except ServerUnavailable as exc:
        pytest.skip(f"no S3 server to test against: {exc}")


def use_production_media_storage(s3, settings, monkeypatch, tmp_path, custom_domain="", secret_key=None):
    """Configure the default storage from the production settings module, as its environment would."""
    environment = {
        "EPITOPE_SECRET_KEY": secrets.token_urlsafe(50),
        "EPITOPE_ALLOWED_HOSTS": "testserver",
        "EPITOPE_VAR_DIR": str(tmp_path / "var"),
        "EPITOPE_S3_BUCKET": s3["bucket"],
        "EPITOPE_S3_ENDPOINT_URL": s3["endpoint"],
        "EPITOPE_S3_CUSTOM_DOMAIN": custom_domain,
        "AWS_ACCESS_KEY_ID": s3["access_key"],
        "AWS_SECRET_ACCESS_KEY": secret_key or s3["secret_key"],
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    # On SQLite the production module sets CONN_MAX_AGE in the database settings it shares with
    # the test settings; put it back afterwards.
    database = settings.DATABASES["default"]
    monkeypatch.setitem(database, "CONN_MAX_AGE", database.get("CONN_MAX_AGE", 0))
    production = importlib.reload(importlib.import_module(PRODUCTION))
    settings.STORAGES = {**settings.STORAGES, "default": production.STORAGES["default"]}
    settings.MEDIA_ROOT = str(tmp_path / "local-media")  # nothing may land here
    return {**s3, "bucket_url": f"{s3['endpoint']}/{s3['bucket']}/", "local": tmp_path / "local-media"}


@pytest.fixture
def s3_media(s3, settings, monkeypatch, tmp_path, request):
    return use_production_media_storage(s3, settings, monkeypatch, tmp_path, getattr(request, "param", ""))


def stored(s3, key):
    """Return the object's bytes and content type from the bucket, or None if there is none."""
    try:
        obj = s3["client"].get_object(Bucket=s3["bucket"], Key=key)
    except s3["client"].exceptions.NoSuchKey:
        return None
    return obj["Body"].read(), obj["ContentType"]


def fetch(url):
    """GET a URL anonymously, as a reader's browser would; return (status, content type, body)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def picture_urls(html):
    """Return every image URL of the page's <picture> elements: each srcset candidate and the <img> src."""
    pictures = re.findall(r"<picture\b.*?</picture>", html, re.S)
    assert pictures, "the page shows no <picture>"
    urls = []
    for picture in pictures:
        for srcset in re.findall(r'srcset="([^"]+)"', picture):
            urls += [candidate.split()[0] for candidate in srcset.split(",")]
        urls += re.findall(r'<img[^>]*\ssrc="([^"]+)"', picture)
    return [url.replace("&amp;", "&") for url in urls]


def test_an_image_uploaded_in_the_admin_is_stored_in_the_bucket(admin_client, s3_media):
    data = cells_png(seed=7, width=400, height=225)
    response = admin_client.post(reverse("wagtailimages:add"), {
        "title": "Uploaded micrograph", "description": "T cells around a tumour cell",
        "file": SimpleUploadedFile("micrograph.png", data, content_type="image/png"),
        "collection": 1,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    image = get_image_model().objects.get(title="Uploaded micrograph")
    assert stored(s3_media, image.file.name) == (data, "image/png")
    assert image.file.url == s3_media["bucket_url"] + image.file.name
    assert not s3_media["local"].exists() or not any(s3_media["local"].rglob("*.png"))


def test_article_pictures_are_renditions_in_the_bucket_that_readers_can_fetch(client, s3_media):
    site = f.hub_site()
    page = f.article(site["index"], "CAR-T cells in solid tumours", [site["cell"]])
    response = client.get(page.url)
    assert response.status_code == 200
    urls = picture_urls(response.content.decode())

    renditions = list(page.hero_image.renditions.all())
    assert renditions, "rendering the page made no renditions"
    for rendition in renditions:
        assert stored(s3_media, rendition.file.name), f"{rendition.file.name} is not in the bucket"
    assert {rendition.url for rendition in renditions} >= set(urls)
    for url in urls:
        assert url.startswith(s3_media["bucket_url"] + "images/"), url
        status, content_type, body = fetch(url)
        assert status == 200, url
        expected = {"image/avif": "AVIF", "image/webp": "WEBP", "image/jpeg": "JPEG"}[content_type]
        assert PILImage.open(io.BytesIO(body)).format == expected
    assert {urlsplit(url).path.rsplit(".", 1)[-1] for url in urls} == {"avif", "webp", "jpg"}


@pytest.mark.parametrize("s3_media", [CDN], indirect=True)
def test_with_a_custom_domain_pictures_point_at_it_and_its_origin_has_the_objects(client, s3_media):
    site = f.hub_site()
    page = f.article(site["index"], "Neoantigen vaccines", [site["vaccines"]])
    urls = picture_urls(client.get(page.url).content.decode())
    for url in urls:
        assert url.startswith(f"https://{CDN}/images/"), url
        # The CDN forwards the path to the bucket: the object is there, public, under that key.
        status, content_type, body = fetch(s3_media["bucket_url"] + urlsplit(url).path.lstrip("/"))
        assert status == 200 and content_type.startswith("image/"), url


def image_file_named(name, seed):
    """Return a new image whose file is called `name`, and the bytes uploaded."""
    data = cells_png(seed, 64, 36)
    image = get_image_model()(title=f"Photo {seed}", description="Cells")
    image.file.save(name, ImageFile(io.BytesIO(data), name=name), save=False)
    image.save()
    return image, data


def test_two_uploads_with_the_same_file_name_each_keep_their_own_picture(s3_media):
    # Two editors upload "photo.png": the second must not replace the first one's picture.
    (first, first_data), (second, second_data) = image_file_named("photo.png", 201), image_file_named("photo.png", 202)
    assert first.file.name != second.file.name
    assert stored(s3_media, first.file.name)[0] == first_data
    assert stored(s3_media, second.file.name)[0] == second_data


def test_deleting_an_image_deletes_its_file_and_renditions_from_the_bucket(s3_media, django_capture_on_commit_callbacks):
    image = f.image(size=(120, 68))
    rendition = image.get_rendition("width-60|format-webp")
    keys = [image.file.name, rendition.file.name]
    assert all(stored(s3_media, key) for key in keys)
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert [stored(s3_media, key) for key in keys] == [None, None]
    assert fetch(s3_media["bucket_url"] + rendition.file.name)[0] == 404


def test_a_wrong_secret_key_is_refused_by_the_server_rather_than_written_elsewhere(s3, settings, monkeypatch, tmp_path):
    s3_media = use_production_media_storage(s3, settings, monkeypatch, tmp_path, secret_key="not-the-secret")
    with pytest.raises(ClientError) as refused:
        f.image(size=(32, 18))
    # The name check (HEAD, no body to explain itself) or the upload itself is refused.
    assert refused.value.response["Error"]["Code"] in ("403", "SignatureDoesNotMatch")
    assert not s3_media["local"].exists() or not any(s3_media["local"].rglob("*"))
