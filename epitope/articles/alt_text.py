"""The rule that every image an article shows has alt text before it is published."""


def images_of(page):
    """Yield every image the article page shows: the hero and the figures in its body."""
    if page.hero_image_id:
        yield page.hero_image
    for block in page.body or []:
        if block.block_type == "figure" and block.value.get("image"):
            yield block.value["image"]


def images_missing_alt_text(page):
    return [image for image in images_of(page) if not (image.description or "").strip()]


def alt_text_error(page):
    """Return the message refusing publication, or None if every image has alt text."""
    missing = images_missing_alt_text(page)
    if not missing:
        return None
    names = ", ".join(f"“{image.title}”" for image in missing)
    return (
        f"This article cannot be published: the image {names} has no alt text. "
        "Add a description of what it shows under Images, then publish again."
        if len(missing) == 1
        else f"This article cannot be published: the images {names} have no alt text. "
        "Add a description of what each shows under Images, then publish again."
    )


def photo_alt_text_error(photo):
    """Return the message refusing to publish an author page whose photo has no alt text, or None."""
    if photo is None or (photo.description or "").strip():
        return None
    return (
        f"This author page cannot be published: the photo “{photo.title}” has no alt text. "
        "Add a description of who it shows under Images, then publish again."
    )
