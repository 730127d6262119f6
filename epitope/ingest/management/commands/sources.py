"""`epitope sources add|list|pause|resume|remove [--json]`: manage sources without the admin.

With `--json`, `list` prints a JSON array of sources and every other action one JSON object
{"action", "source"} describing the source as `list` does. Exit status 2 for an unknown source
or a source that would not be valid (nothing is changed then).
"""

import argparse
import json as json_module

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from epitope.commands import EXIT_USAGE
from epitope.ingest.models import Source
from epitope.topics.models import Topic


def _find(ref):
    qs = Source.objects.filter(pk=int(ref)) if ref.isdigit() else Source.objects.filter(name=ref)
    source = qs.first()
    if source is None:
        raise CommandError(f"No source {ref!r} (give its id or exact name; see `epitope sources list`).",
                           returncode=EXIT_USAGE)
    return source


def _row(s):
    return {"id": s.pk, "name": s.name, "kind": s.kind, "url": s.url, "query": s.query, "status": s.status,
            "topic": s.topic.slug if s.topic else None, "every_minutes": s.interval_minutes, "public": s.public,
            "next_fetch_at": s.next_fetch_at.isoformat() if s.next_fetch_at else None,
            "last_success_at": s.last_success_at.isoformat() if s.last_success_at else None,
            "failures": s.failure_count, "last_error": s.last_error}


class Command(BaseCommand):
    help = "Add, list, pause, resume or remove ingestion sources."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        # --json after the action (`sources list --json`), as every other command takes it.
        common = argparse.ArgumentParser(add_help=False)
        common.add_argument("--json", action="store_true", help="print JSON instead of text")
        add = sub.add_parser("add", help="add a source", parents=[common])
        add.add_argument("name")
        add.add_argument("--kind", choices=[k for k, _ in Source.KINDS], default="auto")
        add.add_argument("--url", default="")
        add.add_argument("--query", default="")
        add.add_argument("--topic", metavar="SLUG", help="slug of the topic the source feeds")
        add.add_argument("--every", type=int, default=60, metavar="MINUTES", help="check interval (default 60)")
        add.add_argument("--public", action="store_true", help="show its items in hubs' Latest research panel")
        sub.add_parser("list", help="list sources and their state", parents=[common])
        for verb in ("pause", "resume", "remove"):
            sub.add_parser(verb, help=f"{verb} a source", parents=[common]).add_argument("source", metavar="ID|NAME")

    def handle(self, *args, action, **opts):
        getattr(self, f"_{action}")(**opts)

    def _done(self, action, source, text, json=False):
        """Report what an action did: one line, or one JSON object with the source as `list` shows it."""
        if json:
            self.stdout.write(json_module.dumps({"action": action, "source": _row(source)}, indent=2))
        else:
            self.stdout.write(text)

    def _add(self, name, kind, url, query, topic, every, public, json=False, **_):
        if not url and not query:
            raise CommandError("Give --url or --query.", returncode=EXIT_USAGE)
        source = Source(name=name, kind=kind, url=url, query=query, interval_minutes=every, public=public)
        if topic:
            source.topic = Topic.objects.filter(slug=topic).first()
            if source.topic is None:
                raise CommandError(f"No topic with slug {topic!r}.", returncode=EXIT_USAGE)
        try:
            source.full_clean()
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()),
                               returncode=EXIT_USAGE) from None
        source.save()
        self._done("added", source, f"Added source {source.pk}: {source.name}", json)

    def _list(self, json=False, **_):
        rows = [_row(s) for s in Source.objects.select_related("topic")]
        if json:
            self.stdout.write(json_module.dumps(rows, indent=2))
            return
        for r in rows:
            where = r["url"] or f"query: {r['query']}"
            error = f" — {r['last_error']}" if r["last_error"] else ""
            self.stdout.write(f"{r['id']:>4}  {r['status']:<8} {r['kind']:<9} {r['name']}  <{where}>{error}")
        if not rows:
            self.stdout.write("No sources yet: `epitope sources add NAME --url URL`.")

    def _pause(self, source, json=False, **_):
        source = _find(source)
        Source.objects.filter(pk=source.pk).update(active=False)
        source.refresh_from_db()
        self._done("paused", source, f"Paused {source.pk}: {source.name}", json)

    def _resume(self, source, json=False, **_):
        source = _find(source)
        Source.objects.filter(pk=source.pk).update(active=True, failure_count=0, next_fetch_at=source.next_fetch_at)
        source.refresh_from_db()
        self._done("resumed", source, f"Resumed {source.pk}: {source.name}", json)

    def _remove(self, source, json=False, **_):
        source = _find(source)
        pk = source.pk
        source.delete()
        source.pk = pk  # delete() clears it; the report names the id it had
        self._done("removed", source, f"Removed {pk}: {source.name} (its items stay in the leads inbox)", json)
