"""Generated demo pictures and portraits, and the alt text that says what each one shows."""

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


def describe_portrait(seed, name):
    """Return alt text for the generated portrait with this seed (imagegen.portrait_png draws it)."""
    rng = random.Random(seed)
    palette = rng.randrange(len(imagegen.PALETTES))
    figure = rng.randrange(len(imagegen.PALETTES[palette][1]))
    words = PALETTE_WORDS[palette]
    return (
        f"Illustrated stand-in portrait of {name}: a faceless {words[figure + 1]} head-and-shoulders "
        f"silhouette on a {words[0]} background."
    )


def ensure_portrait(title, seed, name, size=480):
    """Return (image, created): the demo portrait with this title, generated only if it does not exist yet."""
    existing = get_image_model().objects.filter(title=title).first()
    if existing is not None:
        return existing, False
    image = imagegen.make_portrait(
        title, describe_portrait(seed, name), seed=seed, credit="Generated illustration (Epitope demo content)", size=size
    )
    return image, True
