"""Tag a title + abstract with immuno-oncology facets, each tag carrying the words behind it.

`classify(title, text, subjects=())` is the one entry point. Matching is one Aho-Corasick pass
over the normalised text (linear in its length, whatever the vocabulary size); the automaton is
built once per vocabulary and cached at module level. Rules applied to the raw hits (most in `hit_rules.py`):

- a hit must start and end on a word boundary;
- an abbreviation (`abbreviations` in the vocabulary) must match with its case, and never in
  ALL-CAPS text, where "ALL" is just a word;
- a `block` phrase ("promyelocytic leukemia protein") swallows every hit inside it;
- within one facet, a hit inside a longer hit is dropped ("small cell lung cancer" inside
  "non-small cell lung cancer"); across facets both stay ("CD19" target in "CD19 CAR T cells"),
  except that an immune cue inside a modality or target ("immune" in "immune checkpoint
  inhibitor", "antibody" in "antibody-drug conjugate") is not counted twice;
- a model-system tag ("in vitro", "mice") needs two mentions or one in the title: a single
  passing mention in a review is not what the paper did.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict

import ahocorasick

from . import cancer_types as site_types, learned, mesh_map, relevance
from .analysis import Analysis, add_phases, count_patients, words_of
from .classification import Classification, Span, Tag
from .evidence import COUNT_NOUNS, evidence_badge
from .hit_rules import cased_ok, drop_redefined, resolve_overlaps
from .normalise import Normalised
from .vocabulary import PUBLIC_FACETS, Vocabulary, load_vocabulary, matching_keys

logger = logging.getLogger("epitope.classify")

_DIGIT = re.compile(r"\d").search


class Tagger:
    """A compiled vocabulary: build once, classify many texts. Picklable."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        entries: dict[str, set] = defaultdict(set)
        for key, cid, facet, cased in matching_keys(vocabulary):
            entries[key].add((cid, facet, cased))
        # "patients", "participants" …: found in the same pass, so patient counts need no scan.
        for noun in COUNT_NOUNS:
            entries[noun].add((noun, "count", None))
        automaton = ahocorasick.Automaton()
        for key, found in entries.items():
            automaton.add_word(key, (len(key), tuple(sorted(found, key=lambda e: (e[0], e[2] or "")))))
        automaton.make_automaton()
        self.automaton = automaton
        self._implies = {c.id: c.implies for c in vocabulary.concepts.values() if c.implies}
        self._immune_cues = frozenset(
            c.id for c in vocabulary.concepts.values() if c.facet == "cue" and c.side == "immune"
        )
        # (broad, narrow) concept pairs: ancestors, and a generic concept and what it resolves to.
        self._narrower = frozenset(
            {(a, c.id) for c in vocabulary.concepts.values() for a in vocabulary.ancestors(c.id)}
            | {(c.id, other) for c in vocabulary.concepts.values() for other in
               filter(None, (c.resolves_to, *c.unless))}
        )
        self._cancer_side = frozenset(c.id for c in vocabulary.concepts.values() if c.side == "cancer")
        self._cancer_cues = frozenset(c.id for c in vocabulary.concepts.values()
                                      if c.facet == "cue" and c.side == "cancer")
        self._generic = [c for c in vocabulary.concepts.values() if c.resolves_to]
        self._rivals = []  # (group, {member: its ancestors and descendants in the group})
        for group in vocabulary.rival_groups:
            related = {cid: {o for o in group if o in vocabulary.ancestors(cid) or cid in vocabulary.ancestors(o)}
                       for cid in group}
            self._rivals.append((group, related))
        # Methods named once are still the paper's own method when computational ("a Monte
        # Carlo simulation toolkit"); lab and animal words are often background in one mention.
        # (Populations are not: tried on the tuning set, a second-mention rule for "children"
        # lost more true paediatric tags than false ones.)
        self._model_systems = frozenset(
            vocabulary.descendants("model-system") - {"model-system", "computational"}
            if "model-system" in vocabulary.concepts else ()
        )

    # -- matching ---------------------------------------------------------------------------
    def hits(self, text: str) -> tuple[Normalised, list[tuple[int, int, str, str]]]:
        """Return the normalised text and its accepted hits (start, end, facet, concept)."""
        norm = Normalised(text)
        hay = norm.text
        n = len(hay)
        raw = []
        append = raw.append
        abbreviations = []  # (start, end, concept) of the hits that are abbreviations
        for last, (length, found) in self.automaton.iter(hay):
            end = last + 1
            start = end - length
            if (start and hay[start - 1] != " ") or (end < n and hay[end] != " "):
                continue
            for cid, facet, cased in found:
                if cased is None:
                    append((start, -end, facet, cid))
                elif cased_ok(norm, start, end, cased):
                    append((start, -end, facet, cid))
                    abbreviations.append((start, end, cid))
        hits = resolve_overlaps(raw, self._immune_cues, self._narrower)
        if abbreviations:
            hits = drop_redefined(norm, hits, abbreviations)
        return norm, hits

    # -- classification ---------------------------------------------------------------------
    def classify(self, title: str = "", text: str = "", subjects=()) -> Classification:
        """Return the facets, relevance and evidence badge for one record."""
        title, text = title or "", text or ""
        return self._assemble(self._analyse(title, text, subjects))

    def relevance_inputs(self, title: str = "", text: str = "", subjects=()) -> tuple[list[str], float]:
        """Return what `learned.score` reads of one record: its features and the vocabulary's score."""
        title, text = title or "", text or ""
        prior, parts = self._relevance_parts(self._analyse(title, text, subjects))
        return parts.names(), prior

    def _relevance_parts(self, record):
        vocab = self.vocabulary
        found, cues, in_title = record.found, record.cues, record.in_title
        prior = relevance.vocabulary_score(vocab, found, cues, record.mentions, in_title, record.from_subject)
        return prior, learned.Parts(*record.words, learned.concept_sides(vocab, found, cues, in_title), prior)

    def features(self, title: str = "", text: str = "", subjects=()) -> list[str]:
        """Return the relevance model's features of one record."""
        return self.relevance_inputs(title, text, subjects)[0]

    def _analyse(self, title, text, subjects) -> Analysis:
        """Tag one record: its words, then the context rules, then its subject headings."""
        record = Analysis(title, text, self.vocabulary.label)
        norm, hits = self.hits(record.joined)
        title_end = norm.title_end(len(title))
        nouns, cancer_ranges = self._tag_hits(record, norm, hits, title_end)
        if cancer_ranges:
            self._add_site_mentions(record, norm, cancer_ranges)
        add_phases(record)
        self._apply_context_rules(record, bool(cancer_ranges))
        count_patients(record, nouns)
        self._add_subjects(record, subjects)
        # Again with the headings: a trial's intervention "CD19 CAR" too.
        self._resolve_generic(record.found, record.mentions, record.in_title, record.from_subject)
        record.words = words_of(norm, title, title_end)
        return record

    def _tag_hits(self, record, norm, hits, title_end):
        """Turn the vocabulary's hits into tags, cues and mentions; return the count nouns with a
        number before them and the normalised ranges of the cancer words found."""
        add, locate, joined = record.add, record.locate, record.joined
        cues, mentions, in_title = record.cues, record.mentions, record.in_title
        nouns, cancer_ranges = [], []
        cancer_cue_ids = self._cancer_cues
        for start, end, facet, cid in hits:
            if facet == "count":
                # Only a noun with a number just before it can state a count; most have none,
                # and skipping them spares building the offset map.
                if _DIGIT(norm.text, max(0, start - 48), start):
                    nouns.append((norm.to_original(start), norm.to_original(end, end=True)))
                continue
            if facet == "cue" and title_end is not None:
                # Cues keep no spans: the normalised position says title or text, no map needed.
                mentions[cid] += 1
                cues.add(cid)
                if end <= title_end:
                    in_title.add(cid)
                if cid in cancer_cue_ids:
                    cancer_ranges.append((start, end))
                continue
            if facet == "cancer_type" or cid in cancer_cue_ids:
                cancer_ranges.append((start, end))
            o_start, o_end = norm.to_original(start), norm.to_original(end, end=True)
            field_name, f_start, f_end = locate(o_start, o_end)
            if field_name is None:
                continue
            mentions[cid] += 1
            if field_name == "title":
                in_title.add(cid)
            if facet == "cue":
                cues.add(cid)
                continue
            span = Span(f_start, f_end, joined[o_start:o_end], field_name)
            add(facet, cid, span, "text")
            for ref in self._implies.get(cid, ()):
                i_facet, _, i_cid = ref.partition(":")
                add(i_facet, i_cid, span, "text")
        return nouns, cancer_ranges

    def _add_site_mentions(self, record, norm, cancer_ranges) -> None:
        """Tag the cancers named by site ("carcinoma of the breast") the vocabulary did not."""
        # The cancer words the automaton found are the nouns "carcinoma of the breast" can be
        # built on: looking only for those spares a second scan of the text.
        words = {norm.text[s:e] for s, e in cancer_ranges}
        for cid, field_name in site_types.add_site_mentions(
                record.joined, record.found, record.locate, record.add, self._narrower, words):
            record.mentions[cid] += 1
            if field_name == "title":
                record.in_title.add(cid)

    def _apply_context_rules(self, record, cancer_named: bool) -> None:
        """Drop or move the tags the rest of the record shows to be something else."""
        found, in_title = record.found, record.in_title
        self._resolve_generic(found, record.mentions, in_title)
        self._drop_rivals(found, in_title)
        if cancer_named:
            texts = {"title": record.title, "text": record.text}
            site_types.drop_background(found, record.cues, self._narrower, texts)
        if ("evidence", "review") in found:
            # A review's evidence is the review: the phases it cites are other papers' trials.
            for key in [k for k, tag in found.items() if k[1].startswith("phase-") and tag.source == "text"]:
                del found[key]
        for cid in self._model_systems:
            tag = found.get(("evidence", cid))
            if tag and tag.source == "text" and len(tag.spans) < 2 and cid not in in_title:
                del found[("evidence", cid)]

    def _add_subjects(self, record, subjects) -> None:
        """Tag what the record's subject headings (MeSH, keywords) stand for."""
        for heading in subjects or ():
            heading = (heading or "").strip()
            if not heading:
                continue
            span = Span(0, len(heading), heading, "subject")
            for ref in self._heading_refs(heading):
                facet, _, cid = ref.partition(":")
                if facet == "cue":
                    record.cues.add(cid)
                    record.from_subject.add(cid)
                elif cid in self.vocabulary.concepts or facet == "evidence":
                    record.add(facet, cid, span, "subject")
                    record.from_subject.add(cid)

    def _heading_refs(self, heading: str) -> tuple[str, ...]:
        """Return the "facet:concept" refs a subject heading stands for, memoised per tagger.

        A MEDLINE file repeats a few thousand headings ("Humans", "Female") over every record;
        matching each afresh was most of the time `classify` spent on a record.
        """
        cache = self.__dict__.setdefault("_heading_cache", {})
        refs = cache.get(heading)
        if refs is None:
            refs = set(mesh_map.heading_concepts(heading))
            refs.update(f"{facet}:{cid}" for _, _, facet, cid in self.hits(heading)[1])
            if len(cache) >= 100_000:  # bounded: free-text keywords do not repeat
                cache.clear()
            # Sorted, not a set: the tags it adds keep this order in the output, which must not
            # change with the interpreter's hash seed from one run to the next.
            refs = cache[heading] = tuple(sorted(refs))
        return refs

    def _resolve_generic(self, found, mentions, in_title, from_subject=()) -> None:
        """Give a generic concept's words to the specific concept they stand for (see Concept)."""
        for generic in self._generic:
            tag = found.pop((generic.facet, generic.id), None)
            if tag is None:
                continue
            if any((generic.facet, other) in found for other in generic.unless):
                continue  # "a chimeric antigen receptor" in a CAR-NK paper is the NK cells' CAR
            target = found.get((generic.facet, generic.resolves_to))
            if target is None:
                target = found[(generic.facet, generic.resolves_to)] = Tag(
                    generic.resolves_to, self.vocabulary.label(generic.resolves_to), [], tag.source)
            target.spans = sorted(target.spans + tag.spans, key=lambda s: (s.field != "title", s.start))
            mentions[generic.resolves_to] += mentions.pop(generic.id, 0)
            if generic.id in in_title:
                in_title.add(generic.resolves_to)
            if generic.id in from_subject:
                from_subject.add(generic.resolves_to)

    def _drop_rivals(self, found, in_title) -> None:
        """Drop a rival modality the title does not name and the text names only in passing.

        When a title names one of a group of rival modalities (a CAR-NK story, a T-cell engager
        story), another of the group that the text names once or twice is the comparison
        ("unlike CAR-T therapy, …"), not what the record is about.
        """
        limit = self.vocabulary.rival_max_mentions
        for group, related in self._rivals:
            if in_title.isdisjoint(group):
                continue  # most records: the title names none of the group
            named = {cid for cid in group & in_title if ("modality", cid) in found}
            if not named:
                continue
            for cid in group - named:
                tag = found.get(("modality", cid))
                if (tag is not None and tag.source == "text" and not related[cid] & named
                        and len(tag.spans) <= limit):
                    del found[("modality", cid)]

    def _assemble(self, record) -> Classification:
        """Score the record's relevance and sort its tags into the public facets."""
        model = learned.get_model()
        if not (record.title.strip() or record.text.strip() or record.found or record.cues):
            score = 0.0  # nothing to read: not a guess from the intercept
        else:
            prior, parts = self._relevance_parts(record)
            score = model.relevance(parts, prior)
        facets: dict[str, list[Tag]] = {facet: [] for facet in PUBLIC_FACETS}
        for (facet, _cid), tag in record.found.items():
            if facet in facets:
                facets[facet].append(tag)
        for tags in facets.values():
            tags.sort(key=lambda t: (t.spans[0].field != "title", t.spans[0].start) if t.spans else (True, 0))
        evidence_ids = [t.concept for t in facets["evidence"]]
        return Classification(
            relevance=score,
            relevant=score >= model.threshold,
            facets=facets,
            evidence_badge=evidence_badge(evidence_ids),
            autoimmune_use=bool(facets["modality"]) and bool(facets["indication"]),
            patients=record.patients,
            vocabulary_version=self.vocabulary.version,
        )


# -- module-level cache -----------------------------------------------------------------------
_TAGGERS: dict[tuple, Tagger] = {}
_MAX_TAGGERS = 3


def get_tagger(extra_terms=()) -> Tagger:
    """Return the cached Tagger for the file vocabulary plus `extra_terms` (editors' terms)."""
    key = tuple(sorted(tuple(sorted(t.items())) for t in extra_terms))
    tagger = _TAGGERS.get(key)
    if tagger is None:
        tagger = Tagger(load_vocabulary(extra_terms))
        # Keep a few: the file-only tagger and the current editors' one are both in use in a
        # web process; older editors' versions fall out.
        while len(_TAGGERS) >= _MAX_TAGGERS:
            del _TAGGERS[next(iter(_TAGGERS))]
        _TAGGERS[key] = tagger
        logger.info("classify: vocabulary %s compiled (%d extra terms)", tagger.vocabulary.version, len(key))
    return tagger


def clear_cache() -> None:
    _TAGGERS.clear()


def classify(title: str = "", text: str = "", subjects=(), tagger: Tagger | None = None) -> Classification:
    """Return the Classification of one record (title + abstract, optional subject headings)."""
    return (tagger or get_tagger()).classify(title, text, subjects)
