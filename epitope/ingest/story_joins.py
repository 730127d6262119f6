"""Decide, in memory, which story each item of a batch joins: the joining rules of `clusters.py`.

Shared identifiers join stories outright. Text alone joins an item to a story only if it is a
near-duplicate of the story's *centre* (the signature of the item the story started with), and
two stories only if their centres are near-duplicates: otherwise items each similar to the next
(A~B~C~…, the ends unrelated) chained into one story of any size — 19,581 items in one case.
Text never joins two stories that hold different publications (PMIDs, DOIs, NCT ids).
"""

from __future__ import annotations

from collections import defaultdict

from .dedupe import LSH_BASE, THRESHOLD, similarity, text_threshold
from .identifiers import is_preprint_doi

BY_ID = object()  # a candidate cluster shares an identifier: no text check
BY_TEXT = object()  # a candidate shares an LSH band: joined only if near the story's centre


def candidates(plans, holders, batch_holders):
    """Return, per item, {node: BY_ID if an identifier matched, else BY_TEXT} of the stories it meets.

    A node is j for the batch's item j, ~cluster_id (negative) for a stored cluster. Candidates
    are gathered first so that each is checked and joined once, not once per shared key.
    """
    every_candidate = []
    stored_of, batch_of = holders.get, batch_holders.get
    for i, (_sig, _keys, lookup) in enumerate(plans):
        found = {}
        for key in lookup:
            evidence = BY_ID if key < LSH_BASE else BY_TEXT
            for node in [~cluster_id for cluster_id in stored_of(key, ())] + [j for j in batch_of(key, ()) if j != i]:
                if found.get(node) is not BY_ID:
                    found[node] = evidence
        every_candidate.append(found)
    return every_candidate


def batch_holders(plans):
    """Return {key: [indexes of the batch's items storing it]} for the keys another item of the
    batch has or looks up: the only ones that can join two items of the batch.

    Found with set operations, as most keys are an item's own.
    """
    seen, shared = set(), set()  # keys stored by some item, by more than one
    for _sig, keys, _lookup in plans:
        shared |= seen & keys
        seen |= keys
    wanted = set(shared)
    for _sig, keys, lookup in plans:
        wanted |= (lookup - keys) & seen
    found = defaultdict(list)
    if wanted:
        for i, (_sig, keys, _lookup) in enumerate(plans):
            for key in keys & wanted:
                found[key].append(i)
    return found


class _UnionFind:
    """Nodes: 0…n-1 for the batch's items, ~cluster_id (negative) for stored clusters."""

    def __init__(self):
        self.parent = {}

    def find(self, x):
        parent = self.parent
        root = parent.get(x, x)
        if root == x:  # most items are a story of their own, or its root: one lookup
            return x
        while (up := parent.get(root, root)) != root:
            root = up
        while x != root:  # point the whole path at the root
            parent[x], x = root, parent[x]
        return root

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:  # a stored cluster (negative) stays the root
            self.parent.setdefault(min(ra, rb), min(ra, rb))
            self.parent[max(ra, rb)] = min(ra, rb)


class Stories(_UnionFind):
    """The batch's items and the stored stories they meet, joined as the rules allow, with each
    story's centre (signature, title) and the publications it holds."""

    def __init__(self, rows, plans, stored_centres, stored_works):
        super().__init__()
        self.rows, self.plans = rows, plans
        self.centre = {~cluster_id: value for cluster_id, value in stored_centres.items()}  # root -> (sig, title)
        self.works = {~cluster_id: held for cluster_id, held in stored_works}
        self.works.update((i, own) for i, row in enumerate(rows) if (own := works_of(row)))

    def centre_of(self, node):
        root = self.find(node)
        if root in self.centre:
            return self.centre[root]
        return (self.plans[root][0], self.rows[root]["title"]) if root >= 0 else (None, "")

    def join(self, a, b):
        """Join two roots; the merged story keeps the older one's centre."""
        keep, other = sorted((a, b), key=_age)
        kept, others = self.centre_of(keep), self.centre_of(other)
        held = self.works.get(a, frozenset()) | self.works.get(b, frozenset())
        self.union(a, b)
        self.centre[self.find(a)] = kept if kept[0] is not None else others
        if held:
            self.works[self.find(a)] = held

    def hold_different_works(self, a, b) -> bool:
        return different_works(self.works.get(a), self.works.get(b))

    def link(self, every_candidate):
        """Join each item to the stories its identifiers name, then to those its text is near."""
        for i, found in enumerate(every_candidate):
            texts, linked = self._join_by_identifier(i, found)
            item = (self.plans[i][0], self.rows[i]["title"])
            if texts and item[0] is not None:
                self._join_by_text(i, item, texts, linked)

    def _join_by_identifier(self, i, found):
        """Join item i to every story sharing an identifier; return its text candidates and
        whether an identifier joined it to any story."""
        texts, linked = [], False
        for node, evidence in found.items():
            if evidence is BY_ID:
                ri, rn = self.find(i), self.find(node)
                if ri != rn:
                    self.join(ri, rn)
                linked = True
            else:
                texts.append(node)
        return texts, linked

    def _join_by_text(self, i, item, texts, linked):
        """Join item i to the stories whose centre its text is near, the nearest first (an item
        near two stories joins the closer), unless they hold different publications."""
        for minus_score, _age_, root in self._near(i, item[0], texts):
            ri, rn = self.find(i), self.find(root)
            if ri != rn and self._text_fits(item, -minus_score, root, ri, rn, linked) \
                    and not self.hold_different_works(ri, rn):
                self.join(ri, rn)

    def _near(self, i, sig, texts):
        """Return (-closeness, age, root) of each story once (a story's copies are many candidates)
        whose centre is near enough to matter, sorted."""
        roots = {self.find(node) for node in texts}
        roots.discard(self.find(i))
        near = []
        for root in roots:
            score = _closeness(sig, self.centre_of(root)[0])
            if score >= THRESHOLD:  # the lowest any pair needs (`text_threshold`)
                near.append((-score, _age(root), root))
        return sorted(near)

    def _text_fits(self, item, score, root, ri, rn, linked):
        """Return whether an item (in story ri) is a near-duplicate of story rn's centre, and so is
        its own story: text joins stories only through their centres, each item stays near its own."""
        story = self.centre_of(rn)
        if rn == root:  # its centre is still the one scored
            fits = score >= text_threshold(item[1], story[1])
        else:
            fits = _same_story(item, story)
        own = self.centre_of(ri)
        # Unless an identifier put the item in its story: a paper that joined its news by DOI
        # still joins its preprint by their text.
        return fits and (own[0] is item[0] or linked or _same_story(own, story))


def works_of(row) -> frozenset:
    """Return the publications an item row is: {("pmid", …), ("doi", …), ("preprint", …), ("nct", …)}."""
    held = set()
    if row.get("pmid"):
        held.add(("pmid", row["pmid"]))
    if row.get("doi"):
        held.add(("preprint" if is_preprint_doi(row["doi"]) else "doi", row["doi"]))
    if row.get("nct"):
        held.add(("nct", row["nct"]))
    return frozenset(held)


def different_works(a, b) -> bool:
    """Return whether two stories hold different publications of one kind (and none in common).

    A paper and its preprint have DOIs of different kinds, so their text may still join them.
    """
    if not a or not b or a & b:
        return False
    kinds_a, kinds_b = {kind for kind, _ in a}, {kind for kind, _ in b}
    return bool(kinds_a & kinds_b)


def _age(root):
    # Stored stories are older than the batch's; the lowest cluster id or batch index is oldest.
    return (0, ~root) if root < 0 else (1, root)


def _closeness(sig, other):
    return similarity(sig, other) if sig and other else 0.0


def _same_story(item, centre):
    """Return whether an item's (signature, title) is a near-duplicate of a story's centre."""
    return bool(item[0] and centre[0]) and similarity(item[0], centre[0]) >= text_threshold(item[1], centre[1])
