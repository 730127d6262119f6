"""The admin's Outbox page: what the demo would have mailed, with every link in each message."""

from django.http import Http404
from django.shortcuts import render

from . import outbox


def outbox_index(request):
    if not outbox.enabled():
        raise Http404("Mail is sent, not kept in an outbox, with these settings.")
    return render(request, "demo/outbox.html", {"mails": outbox.newest(), "folder": outbox.folder()})
