"""Generate pictures for demo content and tests: abstract "micrograph" art and portraits, drawn with Pillow.

The images are ours, made from a seed, so the demo needs no stock photos and no network.
"""

import io
import math
import random

from django.core.files.images import ImageFile
from PIL import Image, ImageDraw, ImageFilter
from wagtail.images import get_image_model

PALETTES = [
    ((18, 32, 64), [(230, 90, 120), (120, 200, 230), (250, 210, 120)]),
    ((10, 40, 40), [(90, 220, 170), (240, 120, 80), (200, 200, 255)]),
    ((40, 16, 48), [(255, 140, 200), (140, 120, 255), (255, 230, 160)]),
    ((20, 24, 30), [(120, 240, 120), (255, 100, 100), (100, 160, 255)]),
]


def cells_png(seed, width=1600, height=900):
    """Return PNG bytes of cell-like shapes: large 'tumour' cells and small 'T cells' around them."""
    rng = random.Random(seed)
    background, colours = PALETTES[rng.randrange(len(PALETTES))]
    img = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(img, "RGBA")
    for _ in range(rng.randint(5, 9)):  # big cells
        cx, cy, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(height / 8, height / 4)
        colour = colours[0]
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour + (90,), outline=colour + (200,), width=6)
        draw.ellipse((cx - r / 3, cy - r / 3, cx + r / 3, cy + r / 3), fill=colour + (160,))
    for _ in range(rng.randint(40, 80)):  # small immune cells with receptors
        cx, cy, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(12, 34)
        colour = colours[rng.randrange(1, len(colours))]
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour + (170,))
        for k in range(8):
            a = 2 * math.pi * k / 8 + rng.random()
            draw.line((cx + r * math.cos(a), cy + r * math.sin(a), cx + 1.6 * r * math.cos(a), cy + 1.6 * r * math.sin(a)), fill=colour + (220,), width=3)
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


def make_image(title, alt_text, seed, caption="", credit="Illustration generated for Epitope", size=(1600, 900)):
    """Create and return an EpitopeImage holding a generated picture."""
    Image_ = get_image_model()
    data = cells_png(seed, *size)
    image = Image_(title=title, description=alt_text, caption=caption, credit=credit)
    image.file.save(f"generated-{seed}.png", ImageFile(io.BytesIO(data), name=f"generated-{seed}.png"), save=False)
    image.save()
    return image


def portrait_png(seed, size=480):
    """Return PNG bytes of an illustrated head-and-shoulders portrait: no face, so it stands for nobody.

    The background and figure colours are imagegen's palettes; the same seed draws the same picture.
    """
    rng = random.Random(seed)
    background, colours = PALETTES[rng.randrange(len(PALETTES))]
    figure = colours[rng.randrange(len(colours))]
    img = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(img, "RGBA")
    for _ in range(12):  # soft cells in the background, as on the stories' pictures
        cx, cy, r = rng.uniform(0, size), rng.uniform(0, size), rng.uniform(size / 20, size / 8)
        colour = colours[rng.randrange(len(colours))]
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour + (40,))
    head = size * 0.19
    draw.ellipse((size / 2 - size * 0.36, size * 0.66, size / 2 + size * 0.36, size * 1.3), fill=figure + (235,))  # shoulders
    draw.ellipse((size / 2 - head, size * 0.42 - head, size / 2 + head, size * 0.42 + head), fill=figure + (255,))  # head
    img = img.filter(ImageFilter.GaussianBlur(1.0))
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


def make_portrait(title, alt_text, seed, credit="Illustration generated for Epitope", size=480):
    """Create and return an EpitopeImage holding a generated portrait."""
    Image_ = get_image_model()
    image = Image_(title=title, description=alt_text, credit=credit)
    name = f"portrait-{seed}.png"
    image.file.save(name, ImageFile(io.BytesIO(portrait_png(seed, size)), name=name), save=False)
    image.save()
    return image
