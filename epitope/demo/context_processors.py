"""Tell pages where the demo keeps its mail, so "Check your inbox" can say where to look.

Wired in the settings rather than imported by the newsletter: no app imports the demo.
"""

from django.urls import reverse

from . import outbox as mailbox


def outbox(request):
    if not mailbox.enabled():  # mail is really sent: nothing to say
        return {}
    return {"demo_outbox": {"url": reverse("demo_outbox"), "folder": mailbox.folder()}}
