"""Runs the minute jobs (settings.SCHEDULER_COMMANDS: Wagtail's `publish_scheduled`, so scheduled
pages go live and expired ones come down on time, and booking's `waitlist_advance`, which hands
expired waitlist holds on) every minute until stopped. `make run` starts it beside the development
server and it stops with it; production runs each from a systemd timer instead
(deploy/systemd/clinic-publish-scheduled.timer, clinic-waitlist-advance.timer, docs/deployment.md)."""

import os
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections


class Command(BaseCommand):
    help = (
        "Run the minute jobs (SCHEDULER_COMMANDS: publish scheduled pages, advance the waitlist) now "
        "and every --every seconds, until stopped or until the process that started it ends (make "
        "run's shell)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=60.0, help="Seconds between runs (default 60).")
        parser.add_argument("--times", type=int, default=0, help="Stop after this many runs (0: never).")

    def handle(self, *args, every: float, times: int, **options):
        parent = os.getppid()
        runs = 0
        while True:
            _close_stale_connections()
            for command in settings.SCHEDULER_COMMANDS:
                try:
                    call_command(command, stdout=self.stdout, stderr=self.stderr)
                except DatabaseError as error:
                    # The database is busy or being migrated (make run migrates before it serves):
                    # the next run catches up, since each job does everything that is due.
                    self.stderr.write(f"{command} failed, trying again in {every:g} s: {error}")
            runs += 1
            if times and runs >= times:
                return
            deadline = time.monotonic() + every
            while (left := deadline - time.monotonic()) > 0:
                if os.getppid() != parent:
                    return  # whoever started us has ended (Ctrl-C on make run): so do we
                time.sleep(min(left, 1.0))


def _close_stale_connections() -> None:
    """What Django does between requests: a connection past its CONN_MAX_AGE, or broken (the
    database restarted), is closed, so the next run opens a fresh one. Never one in the middle of a
    transaction (whoever called us from inside one, such as a test, is still using it)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
