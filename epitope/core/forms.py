from wagtail.images.forms import BaseImageForm


class ImageForm(BaseImageForm):
    """Label Wagtail's `description` for what it is on this site: the alt text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "description" in self.fields:
            field = self.fields["description"]
            field.label = "Alt text"
            field.help_text = (
                "Describe what the image shows for readers who cannot see it. "
                "Required before an article using this image can be published."
            )
