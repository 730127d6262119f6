"""What the classifier reads from each kind of thing: (title, text, subjects).

Records from the ingest parsers, stored ingest Items and ArticlePages each give a title, a
plain-text body (HTML tags removed — evidence spans index this text) and their strong signals
(MeSH headings, keywords, publication types, trial phases; none for articles).
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^>]+>")
_NOT_TEXT = ("id", "type", "image", "url", "link", "style", "alignment")


def plain_text(markup: str) -> str:
    """Return the text of a sanitised HTML abstract, one space between words."""
    return " ".join(html.unescape(_TAG.sub(" ", markup or "")).split())


def record_subjects(record) -> list[str]:
    """Return the strong signals a record (or stored item) carries: subject headings, keywords,
    publication types, trial phases."""
    extra = record.extra or {}
    return [*(record.subjects or []), *extra.get("keywords", []), *extra.get("publication_types", []),
            *extra.get("phases", [])]


def record_inputs(record) -> tuple[str, str, list[str]]:
    """Return (title, text, subjects) for a parsed Record or a stored ingest Item."""
    return record.title, plain_text(record.summary), record_subjects(record)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _NOT_TEXT:
                yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def article_inputs(page) -> tuple[str, str, list[str]]:
    """Return (title, text, subjects) for an ArticlePage: standfirst and body text."""
    body = getattr(page, "body", None)
    raw = list(body.raw_data) if body is not None else []
    texts = [getattr(page, "standfirst", "") or ""]
    texts += [plain_text(s) for block in raw for s in _strings(block.get("value"))]
    return page.title, " ".join(t for t in texts if t), []


# What the classifier reads of each model it classifies, by the model's label.
INPUTS = {"articles.articlepage": article_inputs, "ingest.item": record_inputs}
