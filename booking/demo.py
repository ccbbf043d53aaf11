"""The demo clinic's booking page at /book/, with weekday availability. Idempotent."""

from datetime import time

from clinic.models import ClinicSettings

from .models import DiscoveryVisitPage, WeeklyHours

WEEKDAY_HOURS = [(time(9), time(12)), (time(14), time(18))]


def load(*, site, log) -> None:
    home = site.root_page.specific
    page = DiscoveryVisitPage.objects.descendant_of(home).first()
    if page is None:
        page = DiscoveryVisitPage(
            title="Book a Free Discovery Visit",
            slug="book",
            seo_title="Book a Free Discovery Visit",
            search_description="Book a free, 30-minute, no-obligation discovery visit online.",
            intro=(
                "Not sure what is causing your pain? Meet a running injury expert, one-on-one, and "
                "leave with a clear plan. Pick a time below; it takes two minutes."
            ),
            reassurance="Free, 30 minutes, no obligation.",
        )
        page.weekly_hours = [
            WeeklyHours(weekday=day, start=start, end=end) for day in range(5) for start, end in WEEKDAY_HOURS
        ]
        home.add_child(instance=page)
        page.save_revision().publish()
        log("Created the booking page /book/.")
    clinic = ClinicSettings.for_site(site)
    if clinic.booking_page_id is None:
        clinic.booking_page = page
        clinic.save(update_fields=["booking_page"])
        log("Linked the booking page from the clinic settings.")
