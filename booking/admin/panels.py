"""Editor panels of the booking page."""

from django.urls import reverse

from wagtail.admin.panels import Panel

from clinic.blocks import WEEKDAYS
from clinic.models import ClinicSettings

from ..opening_hours import disagreements
from ..slots import WeeklyHours

WEEKDAY_CODES = [code for code, _ in WEEKDAYS]


def clinic_opening_hours(clinic: ClinicSettings) -> list[WeeklyHours]:
    """The opening hours patients see in the footer, as weekly ranges."""
    return [
        WeeklyHours(weekday=WEEKDAY_CODES.index(code), start=block.value["opens"], end=block.value["closes"])
        for block in clinic.opening_hours
        if block.value["opens"] and block.value["closes"]
        for code in block.value["days"]
        if code in WEEKDAY_CODES
    ]


def page_bookable_hours(page) -> list[WeeklyHours]:
    """The booking page's weekly hours, as edited (unsaved rows included)."""
    return [
        WeeklyHours(weekday=row.weekday, start=row.start, end=row.end)
        for row in page.weekly_hours.all()
        if row.weekday is not None and row.start and row.end
    ]


class OpeningHoursCheckPanel(Panel):
    """Warns staff, above the weekly hours, where they disagree with the clinic's opening hours:
    the two are kept apart (visits often fill only part of the day) and must not drift apart."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "booking/admin/opening_hours_check.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            clinic = ClinicSettings.for_request(self.request)
            context["disagreements"] = disagreements(
                opening=clinic_opening_hours(clinic), bookable=page_bookable_hours(self.instance)
            )
            context["settings_url"] = reverse("wagtailsettings:edit", args=["clinic", "clinicsettings"])
            return context
