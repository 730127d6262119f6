"""The trends charts as a reader sees them: labels legible and apart on a phone and a desktop."""

import datetime

import pytest
from django.utils import timezone

from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every text element in the charts that is displayed: its rendered height and box, in CSS px.
LABELS = """() => [...document.querySelectorAll('.trend svg[role=img]')].map(svg => {
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].filter(t => getComputedStyle(t).display !== 'none')
    .map(t => { const r = t.getBoundingClientRect();
                return {text: t.textContent, tick: t.parentNode.classList.contains('x-ticks'),
                        left: r.left, right: r.right, height: r.height,
                        inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5}; }); })"""


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 800)])
def test_chart_labels_are_legible_and_month_labels_do_not_overlap(live_server, browser, width, height):
    site = f.hub_site()
    this_month = timezone.localdate().replace(day=1)
    for months_ago in range(0, 24, 5):
        day = (this_month - datetime.timedelta(days=31 * months_ago)).replace(day=1)
        f.article(site["index"], f"Story {months_ago}", [site["cell"]], date=day, hero=False)
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(live_server.url + "/cancer-immunology/trends/")
    charts = page.evaluate(LABELS)
    assert charts
    for labels in charts:
        # A capital letter of an 11 px font is about 8 px; the box is the font's full height.
        small = [(label["text"], round(label["height"], 1)) for label in labels if label["height"] < 13]
        assert not small, small
        assert all(label["inside"] for label in labels), [label for label in labels if not label["inside"]]
        ticks = sorted((label for label in labels if label["tick"]), key=lambda label: label["left"])
        assert len(ticks) >= 3 and ticks[-1]["text"] == f"{this_month:%b %Y}"
        assert all(a["right"] + 4 <= b["left"] for a, b in zip(ticks, ticks[1:])), ticks
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
