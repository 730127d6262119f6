"""`epitope sources add|list|pause|resume|remove`: manage sources without the admin."""

import json as json_module

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from epitope.ingest.models import Source


def _find(ref):
    qs = Source.objects.filter(pk=int(ref)) if ref.isdigit() else Source.objects.filter(name=ref)
    source = qs.first()
    if source is None:
        raise CommandError(f"No source {ref!r} (give its id or exact name; see `epitope sources list`).")
    return source


class Command(BaseCommand):
    help = "Add, list, pause, resume or remove ingestion sources."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add a source")
        add.add_argument("name")
        add.add_argument("--kind", choices=[k for k, _ in Source.KINDS], default="auto")
        add.add_argument("--url", default="")
        add.add_argument("--query", default="")
        add.add_argument("--topic", metavar="SLUG", help="slug of the topic the source feeds")
        add.add_argument("--every", type=int, default=60, metavar="MINUTES", help="check interval (default 60)")
        add.add_argument("--public", action="store_true", help="show its items in hubs' Latest research panel")
        lst = sub.add_parser("list", help="list sources and their state")
        lst.add_argument("--json", action="store_true")
        for verb in ("pause", "resume", "remove"):
            sub.add_parser(verb, help=f"{verb} a source").add_argument("source", metavar="ID|NAME")

    def handle(self, *args, action, **opts):
        getattr(self, f"_{action}")(**opts)

    def _add(self, name, kind, url, query, topic, every, public, **_):
        from epitope.topics.models import Topic

        if not url and not query:
            raise CommandError("Give --url or --query.")
        source = Source(name=name, kind=kind, url=url, query=query, interval_minutes=every, public=public)
        if topic:
            source.topic = Topic.objects.filter(slug=topic).first()
            if source.topic is None:
                raise CommandError(f"No topic with slug {topic!r}.")
        try:
            source.full_clean()
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        source.save()
        self.stdout.write(f"Added source {source.pk}: {source.name}")

    def _list(self, json=False, **_):
        rows = [
            {"id": s.pk, "name": s.name, "kind": s.kind, "url": s.url, "query": s.query, "status": s.status,
             "topic": s.topic.slug if s.topic else None, "every_minutes": s.interval_minutes, "public": s.public,
             "next_fetch_at": s.next_fetch_at.isoformat() if s.next_fetch_at else None,
             "last_success_at": s.last_success_at.isoformat() if s.last_success_at else None,
             "failures": s.failure_count, "last_error": s.last_error}
            for s in Source.objects.select_related("topic")
        ]
        if json:
            self.stdout.write(json_module.dumps(rows, indent=2))
            return
        for r in rows:
            where = r["url"] or f"query: {r['query']}"
            error = f" — {r['last_error']}" if r["last_error"] else ""
            self.stdout.write(f"{r['id']:>4}  {r['status']:<8} {r['kind']:<9} {r['name']}  <{where}>{error}")
        if not rows:
            self.stdout.write("No sources yet: `epitope sources add NAME --url URL`.")

    def _pause(self, source, **_):
        source = _find(source)
        Source.objects.filter(pk=source.pk).update(active=False)
        self.stdout.write(f"Paused {source.pk}: {source.name}")

    def _resume(self, source, **_):
        source = _find(source)
        Source.objects.filter(pk=source.pk).update(active=True, failure_count=0, next_fetch_at=source.next_fetch_at)
        self.stdout.write(f"Resumed {source.pk}: {source.name}")

    def _remove(self, source, **_):
        source = _find(source)
        pk, name = source.pk, source.name
        source.delete()
        self.stdout.write(f"Removed {pk}: {name} (its items stay in the leads inbox)")
