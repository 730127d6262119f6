"""The demo shows the classifier at work: badges on cards, facet filters, a Latest research panel."""

import re

import pytest

from epitope.demo import research
from epitope.demo.loader import load_demo

pytestmark = pytest.mark.django_db


def test_demo_hubs_show_badges_filters_and_latest_research(client):
    from epitope.ingest.models import Item, Source

    created = load_demo(image_size=(320, 180))
    assert len(created.research) == len(research.ITEMS)

    hub = client.get("/cancer-immunology/").content.decode()
    assert re.search(r'<span class="card-badge">Phase \d(/\d)? trial</span>', hub)
    assert '<span class="card-badge">Mouse study</span>' in hub
    assert 'href="?modality=car-t">CAR-T <span class="facet-count">' in hub

    car_t = client.get("/cancer-immunology/?modality=car-t")
    assert car_t.status_code == 200
    titles = [a.title for a in car_t.context["cards"]]
    assert titles and len(titles) < len(client.get("/cancer-immunology/").context["cards"])
    assert any("CAR-T" in t or "CAR T" in t for t in titles)

    panel = re.search(r'<section class="research-panel".*?</section>', hub, re.S).group(0)
    assert panel.count('rel="noopener noreferrer"') == 5  # the panel's five newest
    assert "https://example.org/demo/" in panel and "Demo: Journal of Invented Immunotherapy" in panel
    page = client.get("/cancer-immunology/research/")
    assert len(page.context["items"].object_list) == len(research.ITEMS)
    trials = client.get("/cell-therapy/research/").context["items"].object_list
    assert {i.kind for i in trials} == {"trial"}  # the trial registry feeds Cell therapy only

    # Loading again creates nothing, and the demo sources are public but never fetched.
    items = Item.objects.count()
    assert load_demo(image_size=(320, 180)).research == []
    assert Item.objects.count() == items
    assert set(Source.objects.values_list("public", "active")) == {(True, False)}
