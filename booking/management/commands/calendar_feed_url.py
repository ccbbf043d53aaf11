"""Print a staff member's private calendar feed address (created on first use)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from booking.calendars import services
from booking.calendars.feed import feed_url
from booking.permissions import can_view_visit_requests


class Command(BaseCommand):
    help = "Print USERNAME's private calendar feed URL (https://; --webcal for webcal://)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--webcal", action="store_true", help="print the webcal:// form")
        parser.add_argument("--replace", action="store_true", help="give it a new address first")

    def handle(self, *args, username, webcal, replace, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        if not (user.is_active and can_view_visit_requests(user)):
            raise CommandError(f"{username} may not see visits (Front desk group or superuser): no feed.")
        feed = (services.calendar_feed_replace if replace else services.calendar_feed_get_or_create)(
            user=user
        )
        self.stdout.write(feed_url(feed, scheme="webcal" if webcal else "https"))
