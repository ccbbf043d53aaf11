"""The opening hours check, on both screens that edit when the clinic can be seen: the booking
page's Availability tab (its weekly hours) and Settings › Clinic (the opening hours patients see).
Each shows, above what it edits, where the two disagree, and keeps it current as staff type
(js/booking-admin.js asks `opening_hours_check_*` in views.py), before anything is saved."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from wagtail.admin.panels import Panel
from wagtail.admin.ui.components import Component

from clinic.models import ClinicSettings

from ..opening_hours import disagreements, opening_hours_of
from ..slots import WeeklyHours

PAGE_PREFIX = "weekly_hours"
CLINIC_PREFIX = "opening_hours"
# More rows than any clinic's week; a hostile query string cannot make the check loop for long.
MAX_ROWS = 100


class OpeningHoursCheck(Component):
    """Where the booking page's weekly hours and the clinic's opening hours disagree, as shown on
    one of the two screens (`side`: "page" or "clinic"), with what the live check needs."""

    template_name = "booking/admin/opening_hours_check.html"

    def __init__(self, *, side: str, opening, bookable, check_url: str, other_url: str):
        self.side = side
        self.opening = list(opening)
        self.bookable = list(bookable)
        self.check_url = check_url
        self.other_url = other_url

    @classmethod
    def for_page(cls, page, *, bookable=None) -> "OpeningHoursCheck":
        """On the booking page's editor: its weekly hours (as edited, when given) against the
        clinic's opening hours."""
        site = page.get_site()
        return cls(
            side="page",
            opening=page.clinic_opening_hours(),
            bookable=page.bookable_hours() if bookable is None else bookable,
            check_url=reverse("booking_opening_hours_check_page", args=[page.pk]) if page.pk else "",
            other_url=reverse("wagtailsettings:edit", args=["clinic", "clinicsettings", site.pk])
            if site
            else reverse("wagtailsettings:edit", args=["clinic", "clinicsettings"]),
        )

    @classmethod
    def for_clinic(cls, clinic: ClinicSettings, *, page, opening=None) -> "OpeningHoursCheck":
        """On the clinic settings: their opening hours (as edited, when given) against the weekly
        hours of the site's live booking page `page`."""
        if opening is None:
            opening = opening_hours_of(block.value for block in clinic.opening_hours)
        return cls(
            side="clinic",
            opening=opening,
            bookable=page.bookable_hours(),
            check_url=reverse("booking_opening_hours_check_site", args=[clinic.site_id]),
            other_url=reverse("wagtailadmin_pages:edit", args=[page.pk]) + "#tab-availability",
        )

    def get_context_data(self, parent_context=None):
        return {
            "side": self.side,
            "disagreements": disagreements(opening=self.opening, bookable=self.bookable),
            "check_url": self.check_url,
            "watch": PAGE_PREFIX if self.side == "page" else CLINIC_PREFIX,
            "other_url": self.other_url,
        }


class OpeningHoursCheckPanel(Panel):
    """Above the booking page's weekly hours."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "booking/admin/opening_hours_check_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["check"] = OpeningHoursCheck.for_page(self.instance)
            return context


def weekly_hours_from_form(data) -> list[WeeklyHours]:
    """The booking page's weekly hours as its editor holds them (the inline rows' fields, as the
    browser would post them); rows deleted or not yet valid count for nothing."""
    time_field = forms.TimeField()
    hours = []
    for index in range(min(_int(data.get(f"{PAGE_PREFIX}-TOTAL_FORMS")), MAX_ROWS)):
        row = f"{PAGE_PREFIX}-{index}-"
        if data.get(row + "DELETE") not in (None, "", "0", "false"):
            continue
        weekday = _int(data.get(row + "weekday"), default=-1)
        try:
            start = time_field.clean(data.get(row + "start"))
            end = time_field.clean(data.get(row + "end"))
        except ValidationError:
            continue
        if 0 <= weekday <= 6 and start and end and start < end:
            hours.append(WeeklyHours(weekday, start, end))
    return hours


def opening_hours_from_form(data) -> list[WeeklyHours]:
    """The clinic's opening hours as the settings editor holds them, read by the StreamField
    itself; blocks deleted or not yet valid count for nothing."""
    stream_block = ClinicSettings._meta.get_field(CLINIC_PREFIX).stream_block
    if _int(data.get(f"{CLINIC_PREFIX}-count")) > MAX_ROWS:
        return []
    values = []
    for child in stream_block.value_from_datadict(data, {}, CLINIC_PREFIX):
        try:
            values.append(child.block.clean(child.value))
        except ValidationError:
            continue
    return opening_hours_of(values)


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
