"""Queue reminder emails for visits in the next 24 hours, retry emails that are due, and delete
spreadsheet exports past their lifetime.

Safe to run every few minutes from cron: a visit is reminded at most once."""

from django.core.management.base import BaseCommand

from booking.admin.exports import spreadsheet_exports_delete_expired
from booking.housekeeping import visit_reminders_queue
from booking.tasks import retry_due_notifications


class Command(BaseCommand):
    help = "Send reminders for Free Discovery Visits in the next 24 hours (never twice) and retry due emails."

    def handle(self, *args, **options):
        reminded = visit_reminders_queue()
        retried = retry_due_notifications()
        deleted = spreadsheet_exports_delete_expired()
        self.stdout.write(
            f"Queued {reminded} reminder(s); retried {retried} email(s); deleted {deleted} expired export(s)."
        )
