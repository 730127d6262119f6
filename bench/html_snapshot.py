"""Save the HTML of every public page type of the demo site, to compare two versions of the code.

    .venv/bin/python bench/html_snapshot.py OUT_DIR            # take a snapshot
    .venv/bin/python bench/html_snapshot.py --compare A B      # whitespace-insensitive diff

Loads the demo content into a fresh SQLite database under a temporary directory (as
`epitope demo --no-serve` does), then crawls the site from the home page with Django's test
client: the home page, every hub (with its filters, one level deep, and its later pages), every
article, /articles/, search with queries and filters, research lists, trends, policies, the
hubs' RSS, Atom and JSON feeds, sitemaps, the newsletter form, and, logged in as an editor, the
leads inbox and an article's edit form (the classifier's tags panel). Each page is saved as one
file named after its URL. Only what legitimately differs between two runs is normalised: CSRF
tokens, CSP nonces and the admin's "now"-relative bits.

Used for issue 25 (markup moved from Python strings into templates): take a snapshot on the
old code, one on the new, and `--compare` them. Nothing here is a test; it prints differences.
"""

import argparse
import difflib
import hashlib
import os
import re
import sys
import tempfile
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SKIP = ("/admin/", "/django-admin/", "/static/", "/media/", "/documents/", "/api/", "/privacy/consent")
EXTRA = [
    "/search/?q=tumour", "/search/?q=T+cell", "/search/?q=checkpoint&type=news", "/search/?q=zzzznothing",
    "/robots.txt", "/sitemap.xml", "/news-sitemap.xml", "/newsletter/subscribe/", "/no-such-page/",
]
MAX_PAGES = 700
MAX_VARIANTS = 25  # query strings taken per path (filters, pages, searches)
HREF = re.compile(r'(?:href|action)="([^"]*)"')


def normalise(text):
    text = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*"', r'\1CSRF"', text)
    text = re.sub(r'("csrfToken": ?")[^"]*"', r'\1CSRF"', text)
    text = re.sub(r'(data-w-csrf-[a-z-]+=")[^"]*"', r'\1CSRF"', text)
    text = re.sub(r'(csrf[_-]?token[^=]*=\s*["\'])[^"\']*', r'\1CSRF', text, flags=re.I)
    text = re.sub(r'nonce="[^"]*"', 'nonce="NONCE"', text)
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID", text)  # pages' keys
    # When the demo was loaded (revisions, last-modified): the times of "now", to the microsecond.
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(\+00:00|Z)?", "NOW", text)
    text = re.sub(r"<lastBuildDate>[^<]*</lastBuildDate>", "<lastBuildDate>NOW</lastBuildDate>", text)
    return text


def file_name(url):
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", url.strip("/")) or "home"
    if len(slug) > 120:
        slug = slug[:100] + "-" + hashlib.sha1(url.encode()).hexdigest()[:12]
    return slug + ".html"


def links(url, html):
    for href in HREF.findall(html):
        href = href.replace("&amp;", "&")
        target = urljoin(url, href)
        parts = urlsplit(target)
        if parts.netloc not in ("", "testserver", "localhost", "localhost:8000", "127.0.0.1:8000"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith(SKIP) or not path.startswith("/"):
            continue
        yield path


def expand(url):
    """Follow a page's links unless it is already a filtered listing (the filters combine without end)."""
    query = urlsplit(url).query
    return query.count("&") == 0 and "page=" not in query


def take(out):
    os.environ["DJANGO_SETTINGS_MODULE"] = "epitope.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from epitope.demo.loader import load_demo

    load_demo(image_size=(320, 180))
    out.mkdir(parents=True, exist_ok=True)
    client = Client()
    seen, queue = set(), deque(["/", *EXTRA])
    from epitope.topics.models import TopicPage

    for hub in TopicPage.objects.live().order_by("path"):
        queue += [f"/{hub.slug}/feed/{kind}/" for kind in ("rss", "atom", "json")]
        queue += [f"/{hub.slug}/research/?page=2", f"/{hub.slug}/trends.csv"]
    variants = {}  # path -> how many of its query strings were taken
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        path = url.split("?")[0]
        if url in seen or "?" in url and variants.get(path, 0) >= MAX_VARIANTS:
            continue
        seen.add(url)
        variants[path] = variants.get(path, 0) + ("?" in url)
        response = client.get(url)
        body = b"".join(response) if response.streaming else response.content
        text = normalise(body.decode("utf-8", "replace"))
        (out / file_name(url)).write_text(f"<!-- {url} {response.status_code} -->\n{text}")
        if response.status_code == 200 and expand(url) and "html" in response.get("Content-Type", ""):
            found = [link for link in links(url, text) if link not in seen]
            queue.extendleft(reversed([link for link in found if "?" not in link]))  # every page before variants
            queue += [link for link in found if "?" in link]
    _admin_pages(client, out)
    print(f"{len(seen)} public pages and the admin's pages saved in {out}")


def _admin_pages(client, out):
    """The leads inbox and an article's edit form: the classifier's tag markup (tag_markup, lead_lines)."""
    from django.contrib.auth import get_user_model

    from epitope.articles.models import ArticlePage

    user = get_user_model().objects.create_superuser("snapshot", "snapshot@example.org", "x")
    client.force_login(user)
    article = ArticlePage.objects.live().order_by("path").first()
    for url in ("/admin/leads/", f"/admin/pages/{article.pk}/edit/"):
        html = client.get(url).content.decode()
        # Only the parts rendered by Epitope's markup: the rest of the admin changes with the clock.
        parts = re.findall(r'<div class="classifier-tags">.*?\n</div>', html, flags=re.S)
        parts += re.findall(r'<ul class="lead-items">.*?</ul>\s*</', html, flags=re.S)
        (out / ("admin_" + file_name(url))).write_text(f"<!-- {url} -->\n" + normalise("\n".join(parts)))


def squash(text):
    # Jinja2 writes a quote as &#34; / &#39;, Django as &quot; / &#x27;: the same character to a browser.
    text = text.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")
    return re.sub(r"\s+", " ", text).replace("> <", "><").strip()


def compare(before, after):
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    differ = 0
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            print(f"only in {'after' if b.exists() else 'before'}: {name}")
            differ += 1
            continue
        old, new = squash(a.read_text()), squash(b.read_text())
        if old != new:
            differ += 1
            split = lambda s: re.sub(r"(<)", r"\n\1", s).splitlines()  # noqa: E731 - one tag a line
            diff = list(difflib.unified_diff(split(old), split(new), "before/" + name, "after/" + name, n=1, lineterm=""))
            print("\n".join(diff[:40]))
    print(f"{len(names)} pages compared, {differ} differ")
    return differ


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path)
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        raise SystemExit(1 if compare(*args.compare) else 0)
    if not args.out:
        parser.error("give an output directory, or --compare BEFORE AFTER")
    if os.environ.get("PYTHONHASHSEED") != "0":  # sets of evidence words are listed in hash order
        os.execve(sys.executable, [sys.executable, *sys.argv], os.environ | {"PYTHONHASHSEED": "0"})
    with tempfile.TemporaryDirectory() as var:
        os.environ["EPITOPE_VAR_DIR"] = var
        take(args.out.resolve())


if __name__ == "__main__":
    main()
