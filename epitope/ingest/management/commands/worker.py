"""`epitope worker`: refresh sources on their schedule through the task queue, and run its tasks.

Each cycle the worker ticks the scheduler (claiming every due source and enqueueing a run for
it), then drains the queue with django-tasks-db's own worker loop, then sleeps. With the
embedded database backend nothing else needs to run; several workers may run side by side, on
one machine or several: a source's claim belongs to one run at a time (`ingest/claims.py`) and
requests to a host keep one pace for all of them (`ingest/pacing.py`).
"""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, task_backends

from epitope.core.periodic import Clock
from epitope.ingest import tasks


class Command(BaseCommand):
    help = "Run the ingestion scheduler and the task worker (Ctrl+C stops it)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between scheduler ticks (default 30)")
        parser.add_argument("--once", action="store_true", help="tick once, run what is queued, then exit")
        parser.add_argument("--queue-name", default=DEFAULT_TASK_QUEUE_NAME, help="queues to run, comma-separated, * for all")

    def handle(self, *args, interval=30.0, once=False, queue_name=DEFAULT_TASK_QUEUE_NAME, **options):
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        worker = None
        if type(backend).__module__.startswith("django_tasks_db"):  # other backends run tasks themselves
            from django_tasks_db.management.commands.db_worker import Worker  # only with its backend

            worker = Worker(
                queue_names=queue_name.split(","), interval=0, batch=True, backend_name=DEFAULT_TASK_BACKEND_ALIAS,
                startup_delay=False, max_tasks=None, worker_id=get_random_string(32), excluded_queue_names=[],
            )
            # SIGINT/SIGTERM: finish the task in hand, then stop (a second signal stops at once).
            if not once:
                worker.configure_signals()
        self.stdout.write(f"Worker started ({type(backend).__name__}); scheduler tick every {interval:g}s.")
        clock = Clock()
        while True:
            close_old_connections()
            clock.run_due()
            enqueued = tasks.enqueue_due_sources()
            if enqueued:
                self.stdout.write(f"Queued {len(enqueued)} source run(s): {', '.join(map(str, enqueued))}")
            if worker is not None:
                worker.run()  # batch mode: runs what is queued, then returns
                if not worker.running:
                    break
            if once:
                break
            time.sleep(interval)
        self.stdout.write("Worker stopped.")
