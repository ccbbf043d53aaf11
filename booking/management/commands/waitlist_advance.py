"""Hand expired waitlist holds on to the next patient and offer freed times: every minute, from
`run_scheduler` (make run) or a systemd timer (deploy/systemd/clinic-waitlist-advance.timer)."""

from django.core.management.base import BaseCommand

from booking.waitlist.offers import waitlist_advance


class Command(BaseCommand):
    help = (
        "Expire waitlist holds whose time is up and offer their times to the next patient; withdraw "
        "offers inside the notice window; end entries past their date; offer free times."
    )

    def handle(self, *args, **options):
        counts = waitlist_advance()
        self.stdout.write(", ".join(f"{name} {count}" for name, count in counts.items()))
