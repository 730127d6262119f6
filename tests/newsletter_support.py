"""A real SMTP server on a random loopback port for the newsletter tests (aiosmtpd).

Import the `smtp_server` fixture into a test module; it points Django's SMTP backend at it.
"""

import email
import email.policy
import re
import socket
import threading

import pytest


class RecordingHandler:
    """Accept every message, or refuse with 451 once `fail_after` messages have been taken."""

    def __init__(self):
        self.messages = []
        self.fail_after = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.fail_after is not None and len(self.messages) >= self.fail_after:
                return "451 4.3.0 Mailbox temporarily unavailable"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address):
        return [m for rcpts, m in self.messages if address in rcpts]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    from aiosmtpd.controller import Controller

    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "Epitope <digest@epitope.example>"
    yield handler
    controller.stop()


def text_part(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message):
    return message.get_body(preferencelist=("html",)).get_content()


def links_in(message, kind):
    """Return the /newsletter/<kind>/<token>/ URLs in a message's plain-text part."""
    return re.findall(rf"https?://\S+/newsletter/{kind}/[^/\s]+/", text_part(message))
