"""Anonymise old visit requests and waitlist entries: names, contact details and notes go; counts
for reports stay."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from booking.housekeeping import visit_requests_purge
from booking.waitlist.services import waitlist_entries_purge


class Command(BaseCommand):
    help = (
        "Anonymise visit requests whose visit (or request, when no time was booked) is older than "
        "--older-than DAYS, and waitlist entries that ended (or were made) that long ago. Keeps status, "
        "time, concern and source article for reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS")

    def handle(self, *args, older_than, **options):
        if older_than < 1:
            raise CommandError("--older-than must be at least 1 day.")
        count = visit_requests_purge(older_than=timedelta(days=older_than))
        self.stdout.write(f"Anonymised {count} visit request(s) older than {older_than} days.")
        entries = waitlist_entries_purge(older_than=timedelta(days=older_than))
        self.stdout.write(f"Anonymised {entries} waitlist entry(ies) older than {older_than} days.")
