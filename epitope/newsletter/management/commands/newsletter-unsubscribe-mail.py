"""`epitope newsletter-unsubscribe-mail < message.eml`: act on a List-Unsubscribe mailto.

Pipe each message that arrives at the unsubscribe mailbox into this command (from procmail,
a Postfix pipe, fetchmail's mda…). The subject carries the same signed token as the https
link, so the sender's address is not trusted for anything.
"""

import email
import email.policy
import re
import sys

from django.core.management.base import BaseCommand, CommandError

from epitope.newsletter import subscribe, tokens

TOKEN = re.compile(r"unsubscribe\s+(\S+)", re.IGNORECASE)


def token_from_subject(subject):
    match = TOKEN.search(subject or "")
    return match.group(1) if match else None


class Command(BaseCommand):
    help = "Unsubscribe using the token in the subject of a mail read from standard input."

    def handle(self, *args, **options):
        message = email.message_from_binary_file(sys.stdin.buffer, policy=email.policy.default)
        token = token_from_subject(str(message.get("Subject", "")))
        if token is None:
            raise CommandError("newsletter: no unsubscribe token in the subject")
        try:
            subscriber, subscriptions = tokens.read_unsubscribe_token(token)
        except tokens.BadToken as exc:
            raise CommandError(f"newsletter: {exc}") from exc
        count = subscribe.unsubscribe(subscriptions)
        self.stdout.write(f"unsubscribed subscriber {subscriber.pk} from {count} digest(s)")
