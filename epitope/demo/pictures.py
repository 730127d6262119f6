"""Generated demo pictures and the alt text that says what each one shows."""

import random

from wagtail.images import get_image_model

from . import imagegen

# Colour words for each of imagegen's palettes, in its order: background, the large cells,
# then the two kinds of small cells. Kept here because only the demo needs to describe them.
PALETTE_WORDS = [
    ("dark navy", "rose-pink", "pale blue", "pale yellow"),
    ("dark teal", "mint-green", "orange", "lavender"),
    ("deep aubergine", "pink", "violet", "cream"),
    ("near-black", "bright green", "coral-red", "blue"),
]


def palette_of(seed):
    """Return the palette index imagegen draws for this seed (the first choice its generator makes)."""
    return random.Random(seed).randrange(len(imagegen.PALETTES))


def describe(seed, subject="tumour cells"):
    """Return alt text for the generated picture with this seed."""
    background, big, small_a, small_b = PALETTE_WORDS[palette_of(seed)]
    return (
        f"Illustration of several large, translucent {big} {subject} with darker centres, "
        f"surrounded by dozens of small {small_a} and {small_b} immune cells whose spiky "
        f"receptors point outwards, on a {background} background."
    )


def ensure_picture(title, seed, caption, subject="tumour cells", size=(1200, 675)):
    """Return (image, created): the demo image with this title, generated only if it does not exist yet."""
    existing = get_image_model().objects.filter(title=title).first()
    if existing is not None:
        return existing, False
    image = imagegen.make_image(
        title,
        describe(seed, subject),
        seed=seed,
        caption=caption,
        credit="Generated illustration (Epitope demo content)",
        size=size,
    )
    return image, True
