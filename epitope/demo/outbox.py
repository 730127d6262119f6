"""The demo's mailbox: outgoing mail kept as .eml files a person can open, listed in the admin.

The demo sends no mail anywhere: a confirmation link printed among the server's log lines was
easy to miss. `OutboxBackend` keeps each message as one RFC 5322 file in EPITOPE_OUTBOX_DIR
(any mail program opens it), and the admin's "Outbox" page lists them with their links.
"""

import datetime
import email
import email.policy
import html
import re
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

BACKEND = "epitope.demo.outbox.OutboxBackend"
SHOWN = 50  # the newest messages the page lists; the folder keeps them all
# Links in a plain-text mail body; a closing bracket or full stop after a link is not part of it.
_LINK = re.compile(r"https?://[^\s<>\"')\]]+[^\s<>\"')\].,;:]")
_lock = threading.Lock()


def folder():
    return Path(getattr(settings, "EPITOPE_OUTBOX_DIR", None) or Path(settings.VAR_DIR) / "outbox")


def enabled():
    """Return whether this process keeps its mail in the outbox (the demo profile)."""
    return settings.EMAIL_BACKEND == BACKEND


class OutboxBackend(BaseEmailBackend):
    """Write each message to the outbox folder instead of sending it."""

    def send_messages(self, email_messages):
        target = folder()
        target.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            # The time first, so names sort as the mails were sent; the uuid keeps two apart.
            name = f"{datetime.datetime.now(datetime.UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
            with _lock:
                (target / name).write_bytes(message.message().as_bytes(linesep="\n"))
            sent += 1
        return sent


@dataclass
class Mail:
    name: str
    subject: str
    to: str
    date: str
    text: str
    links: list = field(default_factory=list)


def read(path):
    """Return the Mail in one .eml file: headers, plain-text body and the links in every part.

    The HTML part counts too: its images and buttons are links a reader's mail program opens.
    """
    message = email.message_from_bytes(Path(path).read_bytes(), policy=email.policy.default)
    part = message.get_body(preferencelist=("plain", "html"))
    text = part.get_content() if part is not None else ""
    bodies = [html.unescape(p.get_content()) for p in message.walk() if p.get_content_maintype() == "text"]
    links = list(dict.fromkeys(link for body in bodies for link in _LINK.findall(body)))
    return Mail(Path(path).name, str(message["Subject"] or ""), str(message["To"] or ""), str(message["Date"] or ""),
                text, links)


def newest(limit=SHOWN):
    """Return the newest `limit` mails in the outbox, newest first."""
    paths = sorted(folder().glob("*.eml"), reverse=True)[:limit]
    return [read(path) for path in paths]
