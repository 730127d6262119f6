"""How much a hub published per month: counts, chart geometry and CSV. Plain functions, no HTTP.

A `Trend` is one chart: months along the x axis, one series per article type, subtopic,
kind of ingested item, or therapy / cancer type where the classifier has stored them
(`epitope.classify.models.StoredClassification`); charts with no data are left out.
"""

import csv
import datetime
import io
import math
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from epitope.articles.models import ArticlePage
from epitope.classify.models import StoredClassification
from epitope.ingest.models import Item

from . import concept_filters
from .taxonomy import topic_tree

DEFAULT_MONTHS = 24
# Okabe–Ito: told apart with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
PAPER_KINDS = (("paper", "Papers"), ("preprint", "Preprints"), ("trial", "Trial records"))


@dataclass
class Series:
    key: str
    label: str
    counts: list
    colour: str = ""


@dataclass
class Trend:
    slug: str  # e.g. "stories-by-type"
    title: str  # e.g. "Stories per month by article type"
    unit: str  # y-axis label, e.g. "Stories"
    months: list  # first day of each month, oldest first
    series: list = field(default_factory=list)
    note: str = ""
    trimmed: bool = False  # months before anything appeared were left out (trim_leading_months)

    @property
    def totals(self):
        return [sum(s.counts[i] for s in self.series) for i in range(len(self.months))]

    @property
    def total(self):
        return sum(self.totals)

    def rows(self):
        """Return (month, [count per series], total) for the data table."""
        return [
            (month, [s.counts[i] for s in self.series], total)
            for i, (month, total) in enumerate(zip(self.months, self.totals))
        ]

    def summary(self):
        """Return one sentence a screen reader hears in place of the chart."""
        if not self.months:
            return "No months to show."
        span = f"{self.months[0]:%B %Y} to {self.months[-1]:%B %Y}"
        if not self.total:
            return f"No {self.unit.lower()} from {span}."
        what = self.unit.lower() if self.total != 1 else _singular(self.unit)
        busiest = max(range(len(self.months)), key=lambda i: (self.totals[i], i))
        parts = ", ".join(f"{s.label} {sum(s.counts)}" for s in self.series if sum(s.counts))
        return (
            f"{self.total} {what} from {span} ({parts}); "
            f"the busiest month was {self.months[busiest]:%B %Y} with {self.totals[busiest]}."
        )


def _singular(unit):
    unit = unit.lower()
    return unit[:-3] + "y" if unit.endswith("ies") else unit.rstrip("s")


def month_range(end, count=DEFAULT_MONTHS):
    """Return the first days of the `count` months ending with `end`'s month, oldest first."""
    year, month = end.year, end.month
    months = []
    for _ in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _month_key(value):
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return value.replace(day=1)


def _counts_by(qs, date_field, months, group_field=None):
    """Return {group value: [count per month]} for rows of `qs` dated within `months`.

    Without `group_field` everything counts under the key None.
    """
    start = months[0]
    end = _next_month(months[-1])
    if qs.model._meta.get_field(date_field).get_internal_type() == "DateTimeField":
        start, end = _aware(start), _aware(end)
    rows = (
        qs.order_by()
        .filter(**{f"{date_field}__gte": start, f"{date_field}__lt": end})
        .annotate(month=TruncMonth(date_field))
        .values("month", *([group_field] if group_field else []))
        .annotate(n=Count("pk"))
    )
    index = {m: i for i, m in enumerate(months)}
    out = {}
    for row in rows:
        i = index.get(_month_key(row["month"]))
        if i is not None:
            key = row[group_field] if group_field else None
            out.setdefault(key, [0] * len(months))[i] += row["n"]
    return out


def _next_month(day):
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _aware(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _colour(series):
    for i, s in enumerate(series):
        s.colour = PALETTE[i % len(PALETTE)]
    return series


def stories_by_type(topic, months, tree=None):
    ids = (tree or topic_tree()).descendants(topic.pk)
    counts = _counts_by(ArticlePage.objects.listed_in(ids), "date", months, "article_type")
    series = [
        Series(key, label, counts.get(key) or [0] * len(months)) for key, label in ArticlePage.ARTICLE_TYPES
    ]
    return Trend("stories-by-type", "Stories per month by article type", "Stories", months, _colour(series))


def stories_by_subtopic(topic, months, tree=None):
    """Return one series per child topic (its own subtopics included), or None if there are none.

    A story filed under two subtopics counts in both, so the stacks can exceed the hub's total.
    """
    tree = tree or topic_tree()
    children = list(topic.children.order_by("name"))
    if not children:
        return None
    series = []
    for child in children:
        counts = _counts_by(ArticlePage.objects.listed_in(tree.descendants(child.pk)), "date", months)
        series.append(Series(child.slug, child.name, counts.get(None, [0] * len(months))))
    return Trend(
        "stories-by-subtopic", "Stories per month by subtopic", "Stories", months, _colour(series),
        note="A story filed under several subtopics is counted in each.",
    )


def papers_by_kind(topic, months, tree=None):
    """Return ingested papers, preprints and trial records per month from the hub's sources."""
    ids = (tree or topic_tree()).descendants(topic.pk)
    qs = Item.objects.filter(source__topic_id__in=ids, kind__in=[k for k, _ in PAPER_KINDS])
    counts = _counts_by(qs, "published", months, "kind")
    series = [Series(key, label, counts.get(key, [0] * len(months))) for key, label in PAPER_KINDS]
    return Trend(
        "papers-by-kind", "Ingested papers per month", "Items", months, _colour(series),
        note="Papers, preprints and trial records from the sources that feed this hub, by publication date.",
    )


# The classifier facets charted, named as their concept filters are ("by therapy").
FACETS = ("modality", "cancer_type")
TOP_CONCEPTS = 7  # more series than this go into "Other": a stack of 20 colours is unreadable
_CHUNK = 500  # ids per IN (...) query, well under SQLite's variable limit


def _name(facet):
    return concept_filters.LABELS[facet].lower()


def _plural(facet):
    return concept_filters.PLURALS[facet]


def _facet_trend(model, dates_by_pk, months, facet, slug, title, unit, note):
    """Return one series per `facet` concept the classifier stored for these objects, or None.

    `dates_by_pk` maps each object's pk to its date; an object tagged with two concepts of the
    facet counts under both.
    """
    if not dates_by_pk:
        return None
    index = {m: i for i, m in enumerate(months)}
    content_type = ContentType.objects.get_for_model(model)
    ids = [str(pk) for pk in dates_by_pk]
    counts, labels = {}, {}
    for start in range(0, len(ids), _CHUNK):
        rows = StoredClassification.objects.filter(
            content_type=content_type, object_id__in=ids[start:start + _CHUNK]
        ).values_list("object_id", "data")
        for object_id, data in rows:
            i = index.get(_month_key(dates_by_pk[int(object_id)]))
            if i is None:
                continue
            found = (data or {}).get("facets", {}).get(facet, [])
            tags = {t.get("concept"): t for t in found if t.get("concept")}
            for concept, tag in tags.items():
                counts.setdefault(concept, [0] * len(months))[i] += 1
                labels[concept] = tag.get("label") or concept
    if not counts:
        return None
    ranked = sorted(counts, key=lambda c: (-sum(counts[c]), labels[c]))
    series = [Series(c, labels[c], counts[c]) for c in ranked[:TOP_CONCEPTS]]
    rest = ranked[TOP_CONCEPTS:]
    if rest:
        series.append(Series("other", "Other", [sum(counts[c][i] for c in rest) for i in range(len(months))]))
    return Trend(slug, title, unit, months, _colour(series), note=note)


def stories_by_facets(topic, months, tree=None):
    """Return stories per month by therapy and by cancer type, where the classifier has tagged them."""
    ids = (tree or topic_tree()).descendants(topic.pk)
    qs = ArticlePage.objects.listed_in(ids).filter(date__gte=months[0], date__lt=_next_month(months[-1]))
    dates = dict(qs.order_by().values_list("pk", "date"))
    return [
        _facet_trend(ArticlePage, dates, months, facet, f"stories-by-{facet.replace('_', '-')}",
                     f"Stories per month by {_name(facet)}", "Stories",
                     f"As tagged by the classifier; a story about two {_plural(facet)} counts under both.")
        for facet in FACETS
    ]


def papers_by_facets(topic, months, tree=None):
    ids = (tree or topic_tree()).descendants(topic.pk)
    qs = Item.objects.filter(
        source__topic_id__in=ids, kind__in=[k for k, _ in PAPER_KINDS],
        published__gte=_aware(months[0]), published__lt=_aware(_next_month(months[-1])),
    )
    dates = dict(qs.order_by().values_list("pk", "published"))
    return [
        _facet_trend(Item, dates, months, facet, f"papers-by-{facet.replace('_', '-')}",
                     f"Ingested papers per month by {_name(facet)}", "Items",
                     f"As tagged by the classifier; a paper about two {_plural(facet)} counts under both.")
        for facet in FACETS
    ]


def hub_trends(topic, now=None, months=DEFAULT_MONTHS):
    """Return every Trend a hub's page shows, in page order, over the same months."""
    month_list = month_range(timezone.localdate(now or timezone.now()), months)
    tree = topic_tree()
    trends = [
        stories_by_type(topic, month_list, tree),
        *stories_by_facets(topic, month_list, tree),
        stories_by_subtopic(topic, month_list, tree),
        papers_by_kind(topic, month_list, tree),
        *papers_by_facets(topic, month_list, tree),
    ]
    return trim_leading_months([t for t in trends if t is not None])


def trim_leading_months(trends, keep=12):
    """Drop the months before anything appeared in any trend, keeping at least `keep` months."""
    if not trends:
        return trends
    months = len(trends[0].months)
    first = next((i for i in range(months) if any(t.totals[i] for t in trends)), months)
    cut = max(0, min(first, months - keep))
    for t in trends:
        t.months, t.trimmed = t.months[cut:], cut > 0
        for s in t.series:
            s.counts = s.counts[cut:]
    return trends


# Chart geometry ---------------------------------------------------------------------------

WIDTH, HEIGHT = 720, 340
# Room for labels at the phone size too: the SVG shrinks to about half on a 390 px screen, and
# the stylesheet then draws its text at 24 units (about 12 px) instead of 12; text placed with
# `em` offsets moves with it. The y axis's unit stands above the plot, clear of the numbers.
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 44, 72
# The phone size labels every few months only, this many units apart: "Nov 2026" is ~110 wide,
# and the last label, ending at its bar so as not to run off the chart, needs half as much again.
NARROW_LABEL_UNITS = 170


def nice_max(value):
    """Return the smallest 1, 2 or 5 × 10ⁿ at or above `value` (at least 1)."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def tick_step(top):
    """Return a y-axis step giving 3–6 ticks for a `nice_max` value."""
    if top <= 5:
        return 1
    mantissa = top // 10 ** math.floor(math.log10(top))
    return top // 4 if mantissa == 2 else top // 5


def chart(trend):
    """Return the geometry of a stacked bar chart of `trend` for the SVG template."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = nice_max(max(trend.totals, default=0))
    slot = plot_w / max(len(trend.months), 1)
    bar_w = max(slot * 0.7, 1)
    bars = []
    for i, month in enumerate(trend.months):
        y = TOP + plot_h
        for s in trend.series:
            n = s.counts[i]
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            bars.append({
                "x": round(LEFT + i * slot + (slot - bar_w) / 2, 1), "y": round(y, 1),
                "width": round(bar_w, 1), "height": round(h, 1), "colour": s.colour,
                "label": f"{month:%B %Y}, {s.label}: {n}",
            })
    y_ticks = [
        {"value": v, "y": round(TOP + plot_h - plot_h * v / top, 1)} for v in range(0, top + 1, tick_step(top))
    ]
    every = max(1, math.ceil(64 / slot))  # about 64 units per month label
    narrow_every = every * max(1, math.ceil(NARROW_LABEL_UNITS / (slot * every)))
    x_ticks = [
        {"label": f"{m:%b %Y}", "x": round(LEFT + i * slot + slot / 2, 1), "narrow": from_end % narrow_every == 0,
         "last": from_end == 0}
        for i, m in enumerate(trend.months) if (from_end := len(trend.months) - 1 - i) % every == 0
    ]
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
        "bottom": TOP + plot_h, "bars": bars, "y_ticks": y_ticks, "x_ticks": x_ticks,
    }


# CSV -----------------------------------------------------------------------------------

def _safe_cell(value):
    """Keep spreadsheets from running a label that starts like a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(trends):
    """Return the trends as CSV, one row per chart, series and month."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["chart", "series", "month", "count"])
    for trend in trends:
        for s in trend.series:
            for month, n in zip(trend.months, s.counts):
                writer.writerow([trend.slug, _safe_cell(s.label), f"{month:%Y-%m}", n])
    return out.getvalue()

