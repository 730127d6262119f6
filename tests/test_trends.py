"""Trends: monthly counts per hub as plain functions, the SVG/table page and the CSV."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone

from epitope.topics import trends
from tests import factories as f

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def site():
    return f.hub_site()


def by_label(trend):
    return {s.label: dict(zip((f"{m:%Y-%m}" for m in trend.months), s.counts)) for s in trend.series}


def test_month_range_crosses_year_ends():
    months = trends.month_range(datetime.date(2026, 2, 17), 4)
    assert months == [datetime.date(2025, 11, 1), datetime.date(2025, 12, 1), datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)]


def test_stories_by_type_counts_live_stories_in_the_hub_and_below(site):
    index = site["index"]
    f.article(index, "A", [site["cancer"]], date=datetime.date(2026, 11, 2), hero=False)
    f.article(index, "B", [site["cell"]], date=datetime.date(2026, 11, 30), hero=False)
    f.article(index, "C", [site["vaccines"]], date=datetime.date(2026, 9, 1), hero=False, article_type="feature")
    f.article(index, "Draft", [site["cancer"]], date=datetime.date(2026, 11, 3), hero=False, publish=False)
    f.article(index, "Elsewhere", [site["immunology"]], date=datetime.date(2026, 11, 3), hero=False)
    f.article(index, "Too old", [site["cancer"]], date=datetime.date(2024, 11, 30), hero=False)
    (by_type, by_subtopic, papers) = trends.hub_trends(site["cancer"], now=NOW)
    assert len(by_type.months) == 12 and by_type.months[-1] == datetime.date(2026, 11, 1)
    assert by_subtopic.months == papers.months == by_type.months
    counts = by_label(by_type)
    assert counts["News"]["2026-11"] == 2 and counts["Feature"]["2026-09"] == 1
    assert by_type.total == 3
    assert "3 stories from December 2025 to November 2026 (News 2, Feature 1)" in by_type.summary()
    assert "busiest month was November 2026 with 2" in by_type.summary()


def test_months_before_anything_appeared_are_trimmed_to_a_year_at_least(site):
    f.article(site["index"], "A", [site["cancer"]], date=datetime.date(2026, 3, 2), hero=False)
    shown = trends.hub_trends(site["cancer"], now=NOW)
    assert {(t.months[0], len(t.months), len(t.series[0].counts)) for t in shown} == {(datetime.date(2025, 12, 1), 12, 12)}
    f.article(site["index"], "B", [site["cancer"]], date=datetime.date(2025, 7, 9), hero=False)
    (by_type, *_) = trends.hub_trends(site["cancer"], now=NOW)
    assert by_type.months[0] == datetime.date(2025, 7, 1) and by_type.total == 2


def test_stories_by_subtopic_counts_a_story_in_each_of_its_subtopics(site):
    f.article(site["index"], "Both", [site["cell"], site["vaccines"]], date=datetime.date(2026, 10, 5), hero=False)
    f.article(site["index"], "Hub only", [site["cancer"]], date=datetime.date(2026, 10, 6), hero=False)
    by_subtopic = trends.hub_trends(site["cancer"], now=NOW)[1]
    assert by_subtopic.slug == "stories-by-subtopic"
    counts = by_label(by_subtopic)
    assert counts["Cell therapy"]["2026-10"] == 1 and counts["Cancer vaccines"]["2026-10"] == 1
    assert by_subtopic.total == 2
    leaf = trends.hub_trends(site["cell"], now=NOW)
    assert [t.slug for t in leaf] == ["stories-by-type", "papers-by-kind"]


def test_ingested_papers_per_month_from_the_hubs_sources(site):
    from epitope.ingest.models import Item, Source

    ours = Source.objects.create(name="PubMed cancer immunology", kind="pubmed", topic=site["cell"])
    theirs = Source.objects.create(name="Other", kind="rss", topic=site["immunology"])

    def item(n, source, kind, published):
        Item.objects.create(source=source, identity=f"id{n}", title=f"T{n}", kind=kind, published=published)

    item(1, ours, "paper", datetime.datetime(2026, 10, 31, 23, 30, tzinfo=datetime.UTC))
    item(2, ours, "paper", datetime.datetime(2026, 11, 1, 0, 30, tzinfo=datetime.UTC))
    item(3, ours, "preprint", datetime.datetime(2026, 11, 5, tzinfo=datetime.UTC))
    item(4, ours, "news", datetime.datetime(2026, 11, 5, tzinfo=datetime.UTC))
    item(5, ours, "paper", None)
    item(6, theirs, "paper", datetime.datetime(2026, 11, 5, tzinfo=datetime.UTC))
    papers = trends.hub_trends(site["cancer"], now=NOW)[-1]
    counts = by_label(papers)
    assert counts["Papers"]["2026-10"] == 1 and counts["Papers"]["2026-11"] == 1
    assert counts["Preprints"]["2026-11"] == 1 and papers.total == 3


def test_nice_max_and_ticks():
    assert [trends.nice_max(v) for v in (0, 1, 3, 7, 10, 11, 37, 180)] == [1, 1, 5, 10, 10, 20, 50, 200]
    assert [trends.tick_step(v) for v in (1, 5, 10, 20, 50, 200)] == [1, 1, 2, 5, 10, 50]


def test_chart_bars_stack_to_scale():
    months = trends.month_range(datetime.date(2026, 3, 1), 3)
    trend = trends.Trend("t", "T", "Stories", months, trends._colour([
        trends.Series("news", "News", [0, 4, 2]), trends.Series("feature", "Feature", [0, 1, 3]),
    ]))
    geometry = trends.chart(trend)
    bars = geometry["bars"]
    assert [b["label"] for b in bars] == ["February 2026, News: 4", "February 2026, Feature: 1", "March 2026, News: 2", "March 2026, Feature: 3"]
    plot_height = geometry["bottom"] - geometry["top"]
    assert bars[0]["height"] == pytest.approx(plot_height * 4 / 5, abs=0.1)
    assert bars[1]["y"] + bars[1]["height"] == pytest.approx(bars[0]["y"], abs=0.1)  # stacked on top
    assert [t["value"] for t in geometry["y_ticks"]] == [0, 1, 2, 3, 4, 5]


def test_csv_is_long_format_and_defuses_formulas():
    months = trends.month_range(datetime.date(2026, 2, 1), 2)
    trend = trends.Trend("stories-by-subtopic", "T", "Stories", months, [trends.Series("x", "=HYPERLINK(1)", [1, 2])])
    rows = list(csv.reader(io.StringIO(trends.to_csv([trend]))))
    assert rows == [
        ["chart", "series", "month", "count"],
        ["stories-by-subtopic", "'=HYPERLINK(1)", "2026-01", "1"],
        ["stories-by-subtopic", "'=HYPERLINK(1)", "2026-02", "2"],
    ]


def test_trends_page_has_an_accessible_chart_and_a_table(client, site):
    this_month = timezone.localdate().replace(day=1)
    f.article(site["index"], "Recent", [site["cell"]], date=this_month, hero=False)
    response = client.get("/cancer-immunology/trends/")
    assert response.status_code == 200
    html = response.content.decode()
    svgs = re.findall(r'<svg role="img" aria-labelledby="([\w-]+) ([\w-]+)"', html)
    assert len(svgs) == 3
    for title_id, desc_id in svgs:
        assert f'<title id="{title_id}">' in html and f'<desc id="{desc_id}">' in html
    assert "Stacked bar chart. 1 story from" in html
    assert ">Month</text>" in html and "Stories per month</text>" in html
    # The intro names the months the charts show: a year here, as nothing is older.
    first = trends.month_range(this_month, 12)[0]
    assert f"each month from {first:%B %Y} to {this_month:%B %Y}: we look back two years" in html
    rows = re.findall(r'<th scope="row"><time datetime="([\d-]+)">', html)
    assert rows[0] == f"{first:%Y-%m}" and rows[-1] == f"{this_month:%Y-%m}" and len(rows) == 3 * 12
    assert f'<th scope="row"><time datetime="{this_month:%Y-%m}">{this_month:%B %Y}</time></th><td>1</td><td>0</td><td>1</td>' in html
    assert 'href="/cancer-immunology/trends.csv"' in html
    assert 'style="' not in html.split("<main", 1)[1], "inline styles would be blocked by the CSP"


def test_intro_says_two_years_when_the_charts_show_two_years(client, site):
    this_month = timezone.localdate().replace(day=1)
    two_years = trends.month_range(this_month, trends.DEFAULT_MONTHS)
    f.article(site["index"], "Old", [site["cell"]], date=two_years[0], hero=False)
    html = client.get("/cancer-immunology/trends/").content.decode()
    assert f"each month from {two_years[0]:%B %Y} to {this_month:%B %Y}, the last two years." in html


def test_phone_labels_every_few_months_and_the_last_month_always():
    for count in (12, 24):
        months = trends.month_range(datetime.date(2026, 11, 1), count)
        ticks = trends.chart(trends.Trend("t", "T", "Stories", months, [trends.Series("x", "X", [1] * count)]))["x_ticks"]
        narrow = [t for t in ticks if t["narrow"]]
        assert ticks[-1]["narrow"] and ticks[-1]["label"] == "Nov 2026"
        # far enough apart for 24-unit text ("Nov 2026" is about 110 units wide)
        assert all(b["x"] - a["x"] >= trends.NARROW_LABEL_UNITS for a, b in zip(narrow, narrow[1:]))
        assert 3 <= len(narrow) < len(ticks) and [t["last"] for t in ticks].count(True) == 1


def test_hub_links_to_trends_and_subscribe(client, site):
    html = client.get("/cancer-immunology/?type=news").content.decode()
    assert 'href="/cancer-immunology/trends/"' in html
    assert 'href="/newsletter/subscribe/?topic=cancer-immunology&amp;type=news"' in html


def test_trends_csv(client, site):
    this_month = timezone.localdate().replace(day=1)
    f.article(site["index"], "Recent", [site["cell"]], date=this_month, hero=False, article_type="feature")
    response = client.get("/cancer-immunology/trends.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    nonzero = [(r["chart"], r["series"], r["month"], r["count"]) for r in rows if r["count"] != "0"]
    month = f"{this_month:%Y-%m}"
    assert nonzero == [("stories-by-type", "Feature", month, "1"), ("stories-by-subtopic", "Cell therapy", month, "1")]


def test_unknown_or_unpublished_hub_is_404_and_other_pages_still_serve(client, site):
    assert client.get("/no-such-hub/trends/").status_code == 404
    assert client.get("/no-such-hub/trends.csv").status_code == 404
    site["cell_hub"].unpublish()
    assert client.get("/cell-therapy/trends/").status_code == 404
    story = f.article(site["index"], "Trends", [site["cancer"]], hero=False, slug="trends")
    assert story.url == "/articles/trends/"
    response = client.get("/articles/trends/")
    assert response.status_code == 200 and b"What Trends means for patients." in response.content


def classify(obj, **facets):
    from django.contrib.contenttypes.models import ContentType

    from epitope.classify.models import StoredClassification

    data = {"facets": {facet: [{"concept": c, "label": c.upper()} for c in concepts] for facet, concepts in facets.items()}}
    StoredClassification.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
        defaults={"data": data, "concepts": [f"{k}:{c}" for k, concepts in facets.items() for c in concepts]},
    )


def test_stories_and_papers_by_modality_and_cancer_type_when_classified(site, monkeypatch):
    from epitope.ingest.models import Item, Source

    monkeypatch.setattr(trends, "TOP_CONCEPTS", 2)
    index = site["index"]
    a = f.article(index, "A", [site["cell"]], date=datetime.date(2026, 10, 2), hero=False)
    b = f.article(index, "B", [site["cancer"]], date=datetime.date(2026, 11, 2), hero=False)
    c = f.article(index, "C", [site["cancer"]], date=datetime.date(2026, 11, 3), hero=False)
    f.article(index, "Unclassified", [site["cancer"]], date=datetime.date(2026, 11, 4), hero=False)
    classify(a, modality=["car-t"], cancer_type=["dlbcl", "lymphoma"])
    classify(b, modality=["car-t", "pd-1-inhibitor"])
    classify(c, modality=["oncolytic-virus"])
    source = Source.objects.create(name="PubMed", kind="pubmed", topic=site["cancer"])
    paper = Item.objects.create(source=source, identity="p1", title="P", kind="paper",
                                published=datetime.datetime(2026, 11, 5, tzinfo=datetime.UTC))
    classify(paper, cancer_type=["melanoma"])

    shown = {t.slug: t for t in trends.hub_trends(site["cancer"], now=NOW)}
    assert list(shown) == [
        "stories-by-type", "stories-by-modality", "stories-by-cancer-type", "stories-by-subtopic",
        "papers-by-kind", "papers-by-cancer-type",
    ]
    modality = by_label(shown["stories-by-modality"])
    assert list(modality) == ["CAR-T", "ONCOLYTIC-VIRUS", "Other"]  # top two, then the rest
    assert modality["CAR-T"]["2026-10"] == 1 and modality["CAR-T"]["2026-11"] == 1
    assert modality["Other"]["2026-11"] == 1
    assert by_label(shown["stories-by-cancer-type"])["DLBCL"]["2026-10"] == 1
    assert by_label(shown["papers-by-cancer-type"])["MELANOMA"]["2026-11"] == 1
    csv_rows = trends.to_csv(shown.values())
    assert "stories-by-modality,CAR-T,2026-11,1" in csv_rows
    assert "a story about two therapies counts under both" in shown["stories-by-modality"].note
    assert "a paper about two cancer types counts under both" in shown["papers-by-cancer-type"].note
