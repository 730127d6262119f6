"""Listings filtered by classifier concept: `?modality=car-t`, `?cancer_type=`, `?target=`, `?evidence=`.

The one place that reads, checks, applies, counts and labels these filters: hubs, their
"Latest research" pages, their feeds and search all come here (search and the read API
through `search.filters.ConceptFilter`). A value is a concept id of the vocabulary (file plus
editors' terms) in the parameter's facet; anything else is refused, so a listing never shows
an empty page for a typo. Filtering goes through the classifier's ClassifiedConcept rows,
which carry every concept's ancestors: `?modality=cell-therapy` finds the CAR-T stories too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils.http import urlencode

from epitope.classify.editorial import editorial_tagger
from epitope.classify.models import ClassifiedConcept
from epitope.classify.store import facet_filter
from epitope.pagecache import cache, prepared

# (query parameter = classifier facet, its name wherever a reader meets it, that name in the
# plural for sentences), in display order. "Therapy" rather than the trade's "modality".
FILTERS = (
    ("modality", "Therapy", "therapies"),
    ("cancer_type", "Cancer type", "cancer types"),
    ("target", "Target", "targets"),
    ("evidence", "Evidence", "kinds of evidence"),
)
PARAMS = tuple(param for param, _, _ in FILTERS)
LABELS = {param: label for param, label, _ in FILTERS}
PLURALS = {param: plural for param, _, plural in FILTERS}
# A filter bar shows the most common values of each filter; the rest are reachable by URL.
MAX_OPTIONS = 10


class UnknownFilter(ValueError):
    """A concept filter names a concept the vocabulary does not have in that facet."""


def vocabulary():
    """Return the vocabulary in use: the file's concepts plus editors' terms, kept until a term changes."""
    return cache.memo("vocabulary", [cache.VOCABULARY], lambda: editorial_tagger().vocabulary)


def selected(params) -> dict[str, str]:
    """Return {facet: value} for the concept filters present in `params`, unchecked."""
    chosen = {}
    for param in PARAMS:
        value = (params.get(param) or "").strip()
        if value:
            chosen[param] = value
    return chosen


def resolve(params, vocab=None) -> dict[str, str]:
    """Return {facet: concept id} asked for by `params`; raise UnknownFilter for a bad value."""
    chosen = selected(params)
    if not chosen:
        return {}
    vocab = vocab or vocabulary()
    for facet, value in chosen.items():
        concept = vocab.concepts.get(value)
        if concept is None or concept.facet != facet:
            raise UnknownFilter(f"Unknown {LABELS[facet].lower()} {value!r}.")
    return chosen


def narrow(qs, chosen: dict[str, str]):
    """Return `qs` (articles or ingested items) narrowed to objects tagged with every chosen concept."""
    for facet, concept in chosen.items():
        qs = facet_filter(qs, facet, concept)
    return qs


def query_string(article_type: str = "", chosen: dict[str, str] | None = None, **changes) -> str:
    """Return the query string (no "?", no page) of a listing with these filters.

    `changes` replace chosen values; a value of None drops that filter.
    """
    values = dict(chosen or {})
    values.update(changes)
    pairs = [("type", article_type)] if article_type else []
    pairs += [(param, values[param]) for param in PARAMS if values.get(param)]
    return urlencode(pairs)


def offered(concept) -> bool:
    """Return whether a listing offers `concept` as a filter value."""
    # A generic concept (a CAR of unstated cell type) is never stored as a tag, and evidence
    # roots ("Model system", "Clinical trial phase") only group badges: as filters they would
    # find nothing, or mean "any", which nobody asks for.
    return not concept.resolves_to and not (concept.facet == "evidence" and concept.parent is None)


def choices(facet: str, vocab=None) -> list[tuple[str, str]]:
    """Return (concept id, label) of every value offered for `facet`, by label."""
    concepts = [c for c in (vocab or vocabulary()).concepts.values() if c.facet == facet and offered(c)]
    return sorted(((c.id, c.label) for c in concepts), key=lambda pair: pair[1].lower())


def value_label(value: str, vocab=None) -> str:
    """Return the label readers see for a concept id."""
    return (vocab or vocabulary()).label(value)


@dataclass
class Option:
    value: str
    label: str
    count: int
    query: str  # the listing's query string with this option chosen (or, when current, dropped)
    current: bool = False


@dataclass
class Group:
    facet: str
    heading: str
    options: list[Option] = field(default_factory=list)


class FilterBar(list):
    """A listing's filter groups, with the markup written for them (`html.render_filter_bar`).

    A hub keeps its filter bar per process for as long as its counts (`cache.memo`, purged by the
    hub's listing tag and the vocabulary's): the markup of a kept bar is written once too.
    """

    def __init__(self, groups=()):
        super().__init__(groups)
        self.markup = {}  # (label, active filters' queries) -> HTML


def counts(qs, facet: str) -> dict[str, int]:
    """Return {concept: number of objects in `qs` tagged with it} for one facet."""
    return {concept: n for _, concept, n in _counts_query(qs, (), (facet,))}


def concept_counts(base_qs, chosen: dict[str, str], key=None, kept_until=None) -> dict[str, dict[str, int]]:
    """Return {facet: {concept: count}} over `base_qs`, each facet narrowed by the *other* filters.

    Counting a facet under its own filter would hide every alternative to the chosen value.
    Facets that share the same other filters share one query: one query with no filter, at
    most one more per chosen facet, whatever the number of objects. With a `key`
    (`pagecache.prepared`: one that names everything `base_qs` was built from), `base_qs` may be a
    callable returning it, and the counting SQL is compiled once per key.

    `kept_until`: cache tags (with a `key`): the counts are kept in this process until one of
    them is bumped. A hub passes its listing tag, which every publish, change, unpublish and
    re-classification of an article under it bumps. Counting reads every concept row of every
    article in the hub (86,000 rows at 10,000 articles: most of an uncached hub's time), and
    the counts change only when one of those happens.
    """
    if kept_until:
        return cache.memo(("concept-counts", key), list(kept_until),
                          lambda: concept_counts(base_qs, chosen, key))
    groups = defaultdict(list)
    for facet in PARAMS:
        others = tuple(sorted((f, c) for f, c in chosen.items() if f != facet))
        groups[others].append(facet)
    found = {facet: {} for facet in PARAMS}
    for others, facets in groups.items():
        if key is None:
            rows = _counts_query(base_qs, others, facets)
        else:
            rows = prepared.fetch((key, others), lambda: _counts_query(base_qs(), others, facets))
        for facet, concept, n in rows:
            found[facet][concept] = n
    return found


def _counts_query(base_qs, others, facets):
    members = narrow(base_qs, dict(others)).order_by().values("pk")
    return (
        ClassifiedConcept.objects.filter(
            content_type=ContentType.objects.get_for_model(base_qs.model), facet__in=facets, object_id__in=members
        )
        .values_list("facet", "concept").annotate(n=Count("object_id")).order_by()
    )


def filter_bar(base_qs, chosen: dict[str, str], article_type: str = "", vocab=None, key=None,
               kept_until=None) -> list[Group]:
    """Return the filter bar of a listing: per facet, the values present with their counts as links.

    `key`, `kept_until`: as `concept_counts` takes them.
    """
    vocab = vocab or vocabulary()
    found = concept_counts(base_qs, chosen, key, kept_until)
    groups = []
    for facet, heading, _ in FILTERS:
        options = []
        for concept_id, n in found[facet].items():
            concept = vocab.concepts.get(concept_id)
            if concept is None or concept.facet != facet or not offered(concept):
                continue
            current = chosen.get(facet) == concept_id
            query = query_string(article_type, chosen, **{facet: None if current else concept_id})
            options.append(Option(concept_id, concept.label, n, query, current))
        options.sort(key=lambda o: (-o.count, o.label.lower()))
        shown = options[:MAX_OPTIONS]
        shown += [o for o in options[MAX_OPTIONS:] if o.current]
        if shown:
            groups.append(Group(facet, heading, shown))
    return groups


def active(chosen: dict[str, str], article_type: str = "", vocab=None) -> list[Option]:
    """Return the chosen filters as readers see them, each with the query string that removes it."""
    vocab = vocab or vocabulary()
    return [
        Option(value, vocab.label(value), 0, query_string(article_type, chosen, **{facet: None}), True)
        for facet, value in chosen.items()
    ]


def terms_of(article, facet: str, vocab=None) -> list[tuple[str, str]]:
    """Return (concept id, label) of the article's concepts in `facet`, for schema.org `about`."""
    vocab = vocab or vocabulary()
    return [(concept, vocab.label(concept)) for f, concept in article_concepts(article) if f == facet]


def article_concepts(article) -> list[tuple[str, str]]:
    """Return the article's sorted (facet, concept) pairs, every facet's at once.

    An article page asks once per facet (its JSON-LD `about`): one query, compiled once per
    article and server thread (`core.prepared`) and kept on the page object for the request,
    answers them all. The unique (content type, object, facet, concept) index covers it.
    """
    held = article.__dict__.get("_epitope_concepts")
    if held is None:
        content_type = ContentType.objects.get_for_model(type(article)).pk
        key = ("concept-terms", content_type, article.pk)
        held = article._epitope_concepts = sorted(prepared.fetch(key, lambda: ClassifiedConcept.objects.filter(
            content_type=content_type, object_id=article.pk).values_list("facet", "concept")))
    return held
