"""Rendition specs shared by the card template and the listing prefetch.

The card template's {% picture %} tag asks for exactly these, so a listing that prefetches
them renders with no per-card rendition query.
"""

CARD_SIZES = ("fill-400x225", "fill-800x450")
CARD_FORMATS = ("avif", "webp", "jpeg")
# Wagtail writes the format first in the spec it builds from the tag ("format-avif|fill-400x225");
# a prefetch under any other spelling misses, and Wagtail then regenerates the files on every request.
CARD_RENDITIONS = tuple(f"format-{fmt}|{size}" for size in CARD_SIZES for fmt in CARD_FORMATS)
