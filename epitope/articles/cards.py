"""Rendition specs shared by the card template and the listing prefetch.

The card template's {% picture %} tag asks for exactly these, so a listing that prefetches
them renders with no per-card rendition query.
"""

CARD_SIZES = ("fill-400x225", "fill-800x450")
CARD_FORMATS = ("avif", "webp", "jpeg")
CARD_RENDITIONS = tuple(f"{size}|format-{fmt}" for size in CARD_SIZES for fmt in CARD_FORMATS)
