"""Take the README's screenshots of a running demo site: hub, article, search and trends, desktop and phone.

    make demo PORT=8000 &            # in another terminal
    .venv/bin/python docs/screenshots/capture.py [--base http://127.0.0.1:8000]

Writes docs/screenshots/<page>-<width>.png (256 colours): the first screen only (1280×800 and 390×844), as a
reader sees it, in Debian's Chromium through Playwright. JavaScript is off, so the consent banner
(shown by consent.js) stays out of the pictures and nothing is recorded in the demo's database.
"""

import argparse
import re
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
SIZES = ((1280, 800), (390, 844))
HUB = "/cancer-immunology/"


def pages(base):
    """Return (name, path) of each page shown; the article is the hub's newest story."""
    with urllib.request.urlopen(base + HUB) as response:  # noqa: S310 - a loopback URL given by the user
        hub = response.read().decode()
    article = re.search(r'class="card-title"><a href="([^"]+)"', hub).group(1)
    return [("hub", HUB), ("article", article), ("search", "/search/?q=CAR-T"), ("trends", HUB + "trends/")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="the demo site's address")
    parser.add_argument("--out", default=str(HERE), help="the folder to write the PNGs to")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
        for width, height in SIZES:
            context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=False)
            page = context.new_page()
            for name, path in pages(base):
                page.goto(base + path, wait_until="load")
                out = Path(args.out) / f"{name}-{width}.png"
                page.screenshot(path=str(out))
                # 256 colours: a quarter of the bytes, and the pictures are illustrations anyway.
                Image.open(out).convert("RGB").quantize(256, dither=Image.Dither.NONE).save(out, optimize=True)
                print(out, f"{out.stat().st_size // 1024} KB")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
