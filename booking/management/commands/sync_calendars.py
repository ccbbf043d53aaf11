"""One sync pass over every connected calendar (a systemd timer runs it every few minutes)."""

from django.core.management.base import BaseCommand

from booking.calendars import sync


class Command(BaseCommand):
    help = "Read busy times from, and write visits to, every connected CalDAV calendar: one pass."

    def handle(self, *args, **options):
        results = sync.sync_all()
        for result in results:
            if result.ok:
                self.stdout.write(
                    f"calendar {result.connection_id}: {result.read} changed, {result.removed} removed, "
                    f"{result.events} events, {result.busy} busy times, {result.written} written, "
                    f"{result.alerts} alerts, {result.seconds:.2f} s"
                )
            else:
                self.stderr.write(f"calendar {result.connection_id}: not synced: {result.error}")
        # Failures are on the dashboard and in /healthz; the timer runs again either way.
        self.stdout.write(f"{sum(r.ok for r in results)} of {len(results)} calendars synced")
