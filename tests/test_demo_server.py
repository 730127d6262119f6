"""`epitope demo --port N` run for real on loopback: the site speaks of itself under one address,
the port it was started on, and every link in every mail it keeps answers there.

One demo process serves the whole module (it takes a minute or two to set up); each test reads
what it needs over HTTP, as a reader's browser and mail program would.
"""

import contextlib
import html
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from xml.etree import ElementTree

import pytest

from epitope.demo import outbox
from tests.newsletter_support import free_port

SETUP_SECONDS = 600  # first run on a loaded 2-core machine: migrate, demo content, renditions
# The demo's articles are dated in November 2026: the weekly issue of 23-29 November has some.
DIGEST_NOW = "2026-11-30T06:00:00+00:00"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_open = urllib.request.build_opener(NoRedirect).open


class Demo:
    def __init__(self, url, var_dir, env):
        self.url, self.var_dir, self.env = url, var_dir, env

    def fetch(self, path_or_url, data=None, headers=None):
        """Return (status, headers, body text) of a GET, or of a form POST when `data` is given."""
        url = path_or_url if "://" in path_or_url else self.url + path_or_url
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})
        try:
            with _open(request, timeout=60) as response:
                return response.status, response.headers, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read().decode("utf-8", "replace")

    def get(self, path, **kwargs):
        status, _, text = self.fetch(path, **kwargs)
        assert status == 200, (path, status, text[:300])
        return text

    def mails(self):
        return [outbox.read(path) for path in sorted((self.var_dir / "outbox").glob("*.eml"))]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("demo") / "var"
    port = free_port()
    # The demo's own profile and database, whatever settings this test run uses.
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env_file = var_dir.parent / "epitope.env"  # none of this machine's /etc/epitope/epitope.env
    env_file.write_text("")
    env.update(EPITOPE_VAR_DIR=str(var_dir), EPITOPE_ENV_FILE=str(env_file), PYTHONUNBUFFERED="1")
    log = open(var_dir.parent / "demo.log", "w+")  # noqa: SIM115 - read back on failure
    process = subprocess.Popen(
        [sys.executable, "-m", "epitope.cli", "demo", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SETUP_SECONDS
        while True:
            assert process.poll() is None, Path(log.name).read_text()[-3000:]
            assert time.monotonic() < deadline, Path(log.name).read_text()[-3000:]
            try:
                with urllib.request.urlopen(url + "/robots.txt", timeout=5):
                    break
            except OSError:
                time.sleep(1)
        yield Demo(url, var_dir, env)
    finally:
        stop(process)
        log.close()


def stop(process):
    """Stop the demo and the worker it started (its process group)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
            return
        except subprocess.TimeoutExpired:
            continue


def links_in(text):
    return re.findall(r'(?:href|src|content)="([^"]+)"', text)


def test_pages_feeds_sitemaps_robots_and_json_ld_all_name_the_port_the_demo_started_on(demo):
    base = demo.url
    printed = Path(demo.var_dir.parent / "demo.log").read_text()
    assert f"Site:  {base}/" in printed

    hub = demo.get("/cancer-immunology/")
    assert f'<link rel="canonical" href="{base}/cancer-immunology/">' in hub
    article_path = re.search(r'<a href="(/articles/[^"]+/)"', hub).group(1)
    article = demo.get(article_path)
    assert f'<link rel="canonical" href="{base}{article_path}">' in article
    data = json.loads(html.unescape(re.search(r'<script type="application/ld\+json">(.*?)</script>', article, re.S)[1]))
    assert data["url"] == base + article_path and data["publisher"]["url"] == base + "/"
    image = data["image"][0]["url"]
    og_image = re.search(r'<meta property="og:image" content="([^"]+)"', article)[1]
    assert image.startswith(base + "/media/") and html.unescape(og_image) == image
    assert demo.fetch(image)[0] == 200

    robots = demo.get("/robots.txt")
    assert f"Sitemap: {base}/sitemap.xml" in robots and f"Sitemap: {base}/news-sitemap.xml" in robots
    locs = [e.text for e in ElementTree.fromstring(demo.get("/sitemap.xml")).iter() if e.tag.endswith("}loc")]
    assert locs and all(loc.startswith(base + "/") for loc in locs), locs

    rss = ElementTree.fromstring(demo.get("/cancer-immunology/feed/rss/"))
    feed_urls = [e.text for e in rss.iter("link")] + [e.get("url") for e in rss.iter("enclosure")]
    feed_urls += [e.get("href") for e in rss.iter() if e.tag.endswith("}link")]
    assert feed_urls and all(u.startswith(base + "/") for u in feed_urls), feed_urls
    feed = json.loads(demo.get("/cancer-immunology/feed/json/"))
    assert feed["feed_url"] == base + "/cancer-immunology/feed/json/" and feed["home_page_url"].startswith(base)
    assert all(item["url"].startswith(base + "/") and item.get("image", base).startswith(base) for item in feed["items"])

    # Asked by another of this machine's names, the site still names its one address.
    other_name = {"Host": "localhost:" + base.rsplit(":", 1)[1]}
    other = demo.get(article_path, headers=other_name)
    absolute = [u for u in links_in(other) if u.startswith("http") and "//localhost" in u]
    assert not absolute, absolute
    assert f"Sitemap: {base}/sitemap.xml" in demo.get("/robots.txt", headers=other_name)
    assert json.loads(demo.get("/cancer-immunology/feed/json/", headers=other_name))["feed_url"].startswith(base)


def test_every_link_in_every_demo_mail_answers_on_the_demos_own_port(demo):
    form = demo.get("/newsletter/subscribe/")
    topics = re.findall(r'name="topics" value="(\d+)"', form)
    assert topics
    status, headers, _ = demo.fetch(
        "/newsletter/subscribe/",
        data={"email": "reader@example.org", "name": "Ada Reader", "topics": topics, "frequency": "weekly"},
        headers={"Origin": demo.url},
    )
    assert status == 302, headers
    sent = demo.get(headers["Location"])
    assert "Outbox" in sent and str(demo.var_dir / "outbox") in sent  # where to look, in the demo

    (confirmation,) = demo.mails()
    assert "reader@example.org" in confirmation.to and confirmation.links
    for link in confirmation.links:
        assert link.startswith(demo.url + "/") and demo.fetch(link)[0] == 200, link
    (confirm_link,) = [link for link in confirmation.links if "/confirm/" in link]
    assert demo.fetch(confirm_link, data={})[0] == 200  # confirming happens on POST

    digests = subprocess.run(
        [sys.executable, "-m", "epitope.cli", "send-digests", "--now", DIGEST_NOW, "--json"],
        env={**demo.env, "EPITOPE_PROFILE": "dev"}, capture_output=True, text=True, timeout=300,
    )
    assert digests.returncode == 0, digests.stderr
    digest = demo.mails()[-1]
    assert digest is not None and digest.name != confirmation.name
    articles = [link for link in digest.links if "/articles/" in link]
    images = [link for link in digest.links if "/media/" in link]
    assert articles and images and any("/unsubscribe/" in link for link in digest.links)
    for link in digest.links:
        assert link.startswith(demo.url + "/") and demo.fetch(link)[0] == 200, link
