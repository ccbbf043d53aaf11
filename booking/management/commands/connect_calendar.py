"""Connect a staff member's CalDAV calendar; the app password comes from CALDAV_PASSWORD, never
from the command line (it would land in shell history and `ps`)."""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from booking.calendars import crypto, services, sync
from booking.calendars.remote import CalendarError
from booking.permissions import can_view_visit_requests


class Command(BaseCommand):
    help = "Connect USERNAME's CalDAV calendar at URL (password in the CALDAV_PASSWORD variable)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("url")
        parser.add_argument("--username", dest="caldav_username", required=True, help="the CalDAV username")
        parser.add_argument("--no-sync", action="store_true", help="do not run a first sync pass")

    def handle(self, *args, username, url, caldav_username, no_sync, **options):
        password = os.environ.get("CALDAV_PASSWORD", "")
        if not password:
            raise CommandError("Set CALDAV_PASSWORD to the calendar's app password.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        if not (user.is_active and can_view_visit_requests(user)):
            raise CommandError(f"{username} may not see visits (Front desk group or superuser).")
        try:
            connection = services.calendar_connect(
                user=user, url=url, username=caldav_username, password=password
            )
        except (CalendarError, crypto.EncryptionUnavailable) as failure:
            raise CommandError(str(failure)) from None
        self.stdout.write(f"Connected {username}'s calendar: {connection.url}")
        if not no_sync:
            result = sync.sync_connection(connection)
            self.stdout.write(_describe(result))


def _describe(result) -> str:
    if not result.ok:
        return f"First sync failed: {result.error}"
    return (
        f"First sync: {result.events} events, {result.busy} busy times, {result.written} visits written "
        f"in {result.seconds:.2f} s"
    )
