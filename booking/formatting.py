"""How visit times read to patients and staff: in the clinic's time zone, labelled."""

import functools
from datetime import date, datetime

from django.conf import settings
from django.utils import dateformat, timezone, translation
from django.utils.translation import pgettext

# Patients know their zone as "ET", not "EST"/"EDT" (which flips twice a year).
ZONE_LABELS = {
    "America/New_York": "ET",
    "America/Detroit": "ET",
    "America/Chicago": "CT",
    "America/Denver": "MT",
    "America/Phoenix": "MT",
    "America/Los_Angeles": "PT",
}


def zone_label(moment: datetime) -> str:
    return ZONE_LABELS.get(settings.TIME_ZONE) or _local(moment).strftime("%Z")


def visit_time(moment: datetime | None, *, with_zone: bool = True) -> str:
    """'Tue 1 Dec 2026, 9:00 AM ET' ('lunes 14 de diciembre de 2026, 11:00 a. m. ET') in the
    clinic's time zone and the active language."""
    if moment is None:
        return ""
    local = _local(moment)
    # Translators: a visit's day in Django's date format ("Tue 1 Dec 2026"); \d\e is a literal "de".
    day = _day_text(local.date(), pgettext("visit day", "D j M Y"), translation.get_language())
    text = f"{day}, {_clock(local)}"
    return f"{text} {zone_label(local)}" if with_zone else text


def visit_time_short(moment: datetime) -> str:
    """'Tue 1 Dec, 9:00 AM ET' for subjects."""
    local = _local(moment)
    # Translators: a visit's day in an email subject, Django's date format ("Tue 1 Dec").
    day = dateformat.format(local, pgettext("visit day in a subject", "D j M"))
    return f"{day}, {_clock(local)} {zone_label(local)}"


def visit_day(moment: datetime) -> str:
    """'3 Dec', the day in the clinic's time zone, for flags in lists."""
    # Translators: a day in a list, Django's date format ("3 Dec").
    return dateformat.format(_local(moment), pgettext("day in a list", "j M"))


def picker_day(day: date) -> str:
    """'Monday 14 December' ('lunes 14 de diciembre'): the day whose times the picker lists."""
    # Translators: the day whose times are listed, Django's date format ("Monday 14 December").
    return dateformat.format(day, pgettext("picker day", "l j F"))


def picker_day_button(day: date) -> str:
    """'14 Dec' ('14 dic'), under the weekday on a day button of the picker."""
    # Translators: a day button of the picker, Django's date format ("14 Dec").
    return dateformat.format(day, pgettext("picker day button", "j M"))


def picker_weekday(day: date) -> str:
    """'Mon' ('lun'), above the day on a day button of the picker."""
    # Translators: a day button's weekday, Django's date format ("Mon").
    return dateformat.format(day, pgettext("picker weekday", "D"))


def picker_later(day: date) -> str:
    """'Tue 15 Dec' ('mar 15 dic'), on the picker's "Later dates, from ..." button."""
    # Translators: the first day of the next page of days, Django's date format ("Tue 15 Dec").
    return dateformat.format(day, pgettext("picker later dates", "D j M"))


def clock(moment: datetime, *, with_zone: bool = False) -> str:
    """'9:00 AM' ('9:00 a. m.'), or '9:00 AM ET' with its zone, in the clinic's time zone."""
    local = _local(moment)
    return f"{_clock(local)} {zone_label(local)}" if with_zone else _clock(local)


def clinic_wall_time(moment: datetime) -> datetime:
    """The clinic's wall-clock time of `moment`, without a zone: for spreadsheets, whose cells
    hold no zone (the column's format names it)."""
    return _local(moment).replace(tzinfo=None)


@functools.lru_cache(maxsize=4096)
def _day_text(day: date, date_format: str, language: str | None) -> str:
    # A day reads the same every time in one language: an export of 50,000 requests spans some
    # 700 days, and formatting each row's day anew was a third of its time. The language is in
    # the key because the names of days and months are translated.
    return dateformat.format(day, date_format)


def _local(moment: datetime) -> datetime:
    # The clinic's zone is the project's TIME_ZONE, whatever zone a request may have activated.
    return timezone.localtime(moment, timezone.get_default_timezone())


def _clock(local: datetime) -> str:
    # Django's "A" is not translated in every language ("AM" in Spanish): ours is.
    half = pgettext("clock, before noon", "AM") if local.hour < 12 else pgettext("clock, after noon", "PM")
    return f"{local.hour % 12 or 12}:{local:%M} {half}"


def spreadsheet_safe(value) -> str:
    """A cell's text that a spreadsheet shows as text: one starting with = + - @ (or a tab or
    carriage return) is a formula to Excel and LibreOffice, and patients type into these fields."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text
