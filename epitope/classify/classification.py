"""What a classification is: its tags per facet, each with the words behind it, and their JSON.

A facet is one dimension of the vocabulary (modality, cancer_type, target, evidence, ...). The
evidence read from patterns rather than word lists, and the badge it gives, are in evidence.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Span(NamedTuple):
    start: int
    end: int
    text: str  # exactly original[start:end]
    field: str = "text"  # "title" | "text" | "subject"


@dataclass
class Tag:
    concept: str
    label: str
    spans: list[Span] = field(default_factory=list)
    source: str = "text"  # "text" | "subject" | "editor"
    value: int | None = None  # the number, for patient counts

    def to_dict(self) -> dict:
        out = {"concept": self.concept, "label": self.label, "source": self.source,
               "spans": [[s.start, s.end, s.text, s.field] for s in self.spans]}
        if self.value is not None:
            out["value"] = self.value
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Tag:
        return cls(
            concept=data["concept"], label=data.get("label", data["concept"]),
            spans=[Span(*s) for s in data.get("spans", [])], source=data.get("source", "text"),
            value=data.get("value"),
        )


@dataclass
class Classification:
    relevance: float
    relevant: bool
    facets: dict[str, list[Tag]] = field(default_factory=dict)
    evidence_badge: str | None = None
    autoimmune_use: bool = False
    patients: int | None = None
    vocabulary_version: str = ""

    def concepts(self, facet: str) -> list[str]:
        return [t.concept for t in self.facets.get(facet, [])]

    def to_dict(self) -> dict:
        return {
            "relevance": round(self.relevance, 3),
            "relevant": self.relevant,
            "evidence_badge": self.evidence_badge,
            "autoimmune_use": self.autoimmune_use,
            "patients": self.patients,
            "vocabulary_version": self.vocabulary_version,
            "facets": {facet: [t.to_dict() for t in tags] for facet, tags in self.facets.items() if tags},
        }

    @classmethod
    def from_dict(cls, data: dict) -> Classification:
        return cls(
            relevance=data.get("relevance", 0.0), relevant=data.get("relevant", False),
            facets={f: [Tag.from_dict(t) for t in tags] for f, tags in data.get("facets", {}).items()},
            evidence_badge=data.get("evidence_badge"), autoimmune_use=data.get("autoimmune_use", False),
            patients=data.get("patients"), vocabulary_version=data.get("vocabulary_version", ""),
        )
