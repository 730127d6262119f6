"""What the classifier tells the rest of Epitope."""

from django.dispatch import Signal

# Sent with `objects`: the stored objects (of the sender model) whose facet concepts or
# evidence badge just changed, e.g. so cached hub pages listing them can be purged; and
# `relevance`: {pk: relevance score} of those objects.
classification_changed = Signal()
