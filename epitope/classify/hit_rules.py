"""Which raw automaton hits stand: the rules `Tagger.hits` applies to what the automaton finds.

- an abbreviation must match with its case, and never in ALL-CAPS text (`cased_ok`);
- an abbreviation the text defines as something else is dropped (`drop_redefined`);
- a `block` phrase swallows every hit inside it, and within one facet a hit inside a longer
  one is dropped, with the exceptions `resolve_overlaps` gives.
"""

from __future__ import annotations

from .normalise import Normalised, normalise_keep_case

_SHOUT_WINDOW = 40


def cased_ok(norm: Normalised, start: int, end: int, cased: str) -> bool:
    """Return whether the hit `start:end` of an abbreviation keeps its case, outside ALL-CAPS text."""
    if " " not in cased and cased not in norm.original:
        return False  # "all" in the text but "ALL" nowhere: no need to map positions at all
    # Map back to the original (the same map the spans need, so built once per text) and
    # compare the words there with the abbreviation's own case.
    o_start, o_end = norm.to_original(start), norm.to_original(end, end=True)
    piece = norm.original[o_start:o_end]
    if piece != cased and normalise_keep_case(piece) != cased:
        return False
    window = norm.original[max(0, o_start - _SHOUT_WINDOW):o_end + _SHOUT_WINDOW]
    return window != window.upper()  # some lower-case letter nearby: not ALL-CAPS text


_DEFINITION_REACH = 40  # normalised characters between a long form and its "(ABBR)"


def drop_redefined(norm: Normalised, hits, abbreviations):
    """Drop an abbreviation's hits where the text defines it as something else.

    "multidimensional scaling (MDS)" makes every MDS in that text mean the scaling, not
    myelodysplastic syndromes; "myelodysplastic syndromes (MDS)" (a hit of the same concept just
    before the bracket) confirms it. A text that never spells the abbreviation out keeps it.
    """
    text = norm.original
    ends: dict[str, list[int]] = {}
    for _start, end, _facet, cid in hits:
        ends.setdefault(cid, []).append(end)
    redefined = set()
    for start, end, cid in abbreviations:
        o_start, o_end = norm.to_original(start), norm.to_original(end, end=True)
        if not (o_start and text[o_start - 1] == "(" and text[o_end:o_end + 1] in (")", "s", ";", ",")):
            continue  # not "long form (ABBR)"
        # The long form is this concept when one of its own hits ends just before the bracket.
        if not any(start - _DEFINITION_REACH <= e < start for e in ends.get(cid, ()) if e != end):
            redefined.add(cid)
    if not redefined:
        return hits
    drop = {(s, e, c) for s, e, c in abbreviations if c in redefined}
    return [h for h in hits if (h[0], h[1], h[3]) not in drop]


_NO_HIT = dict.fromkeys(("cue", "modality", "cancer_type", "target", "indication", "evidence", "count"), -1)


def resolve_overlaps(raw, immune_cues=frozenset(), narrower=frozenset()):
    """Drop blocked and contained hits; `raw` holds (start, -end, facet, concept) tuples.

    Within one facet, of two hits that overlap without one containing the other, one stays:
    the narrower concept when one is broader than the other ("chimeric antigen receptor T-cell
    therapy" is CAR-T, not only a T-cell therapy; `narrower` holds (broad, narrow) pairs), else
    the later, since an English noun phrase ends on its head ("anti-HER2 antibody–drug
    conjugate" is an ADC, not also an "anti-HER2 antibody").
    """
    raw.sort()  # by start, then longest first: a plain tuple sort, no key function
    blocks = [(s, -e) for s, e, facet, _ in raw if facet == "block"]
    furthest = dict(_NO_HIT)
    last: dict[str, int] = {}  # facet → index in `out` of its furthest-reaching hit
    out = []
    replaced = False
    for start, neg_end, facet, cid in raw:
        end = -neg_end
        if facet == "block":
            continue
        if blocks and any(bs <= start and end <= be for bs, be in blocks):
            continue
        reach = furthest.get(facet, -1)
        if reach >= end:
            continue  # inside a longer hit of the same facet
        if cid in immune_cues and (furthest["modality"] >= end or furthest["target"] >= end):
            continue  # "immune" inside "immune checkpoint inhibitor" is the same evidence
        if start < reach and facet in last:
            previous = out[last[facet]]
            if (cid, previous[3]) in narrower:
                continue  # the earlier, overlapping hit is the narrower concept: it stays
            out[last[facet]] = None
            replaced = True
        furthest[facet] = end
        last[facet] = len(out)
        out.append((start, end, facet, cid))
    return [hit for hit in out if hit is not None] if replaced else out
