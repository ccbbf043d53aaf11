"""The demo clinic's booking page at /book/, with availability on the days it opens. Idempotent."""

from datetime import date, time

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from wagtail.models import GroupPagePermission

from clinic.demo import ensure_translation
from clinic.models import ClinicSettings

from .models import BookingSettings, Closure, DiscoveryVisitPage, WeeklyHours
from .page_permissions import grant_booking_page

STAFF_RECIPIENTS = "front-desk@example.com"

# Within the clinic's opening hours (clinic/demo/clinic.py: weekdays 7-19, Saturday 8-12), so
# every day the footer shows as open has times to book.
WEEKDAY_HOURS = [(time(9), time(12)), (time(14), time(18))]
SATURDAY_HOURS = [(time(9), time(12))]


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
        ] + [WeeklyHours(weekday=5, start=start, end=end) for start, end in SATURDAY_HOURS]
        page.closures = [
            Closure(start_date=start, end_date=end, reason="Holidays") for start, end in [_holidays()]
        ]
        home.add_child(instance=page)
        page.save_revision().publish()
        grant_booking_page(page, Group, GroupPagePermission, Permission)
        log("Created the booking page /book/.")
    # The same page in Spanish at /es/reservar/; it offers the English page's times (one schedule:
    # DiscoveryVisitPage.schedule_page), so it keeps no hours or closures of its own.
    spanish = ensure_translation(page, log=log, weekly_hours=[], closures=[], **SPANISH_PAGE)
    grant_booking_page(spanish, Group, GroupPagePermission, Permission)
    clinic = ClinicSettings.for_site(site)
    if clinic.appointment_page_id is None:
        clinic.appointment_page = page
        clinic.save(update_fields=["appointment_page"])
        log("Linked the booking page from the clinic settings.")
    # Only on first creation: staff may have emptied the list on purpose.
    _, created = BookingSettings.objects.get_or_create(
        site=site, defaults={"staff_recipients": STAFF_RECIPIENTS}
    )
    if created:
        log(f"Staff notices of visit requests go to {STAFF_RECIPIENTS}.")


SPANISH_PAGE = {
    "title": "Reserve una Visita de Evaluación Gratuita",
    "slug": "reservar",
    "seo_title": "Reserve una Visita de Evaluación Gratuita",
    "search_description": (
        "Reserve en línea una visita de descubrimiento gratuita de 30 minutos, sin compromiso."
    ),
    "intro": (
        "¿No sabe qué le causa el dolor? Conozca a una experta en lesiones de corredores, en una "
        "visita individual, y salga con un plan claro. Elija una hora abajo; solo le toma dos minutos."
    ),
    "reassurance": "Gratis, 30 minutos, sin compromiso.",
    "no_slot_text": ("¿Ninguna hora le viene bien? Díganos qué días y horas le sirven y le llamaremos."),
    "confirmation_text": (
        "<p>Tenemos ganas de conocerle. Venga con ropa cómoda con la que pueda moverse y traiga sus "
        "zapatos de correr si su dolor tiene que ver con correr.</p>"
    ),
}


def _holidays() -> tuple[date, date]:
    """The coming Christmas closure, to show staff how closures look."""
    today = timezone.localdate()
    year = today.year if today <= date(today.year, 12, 26) else today.year + 1
    return date(year, 12, 24), date(year, 12, 26)
