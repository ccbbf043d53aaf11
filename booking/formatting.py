"""How visit times read to patients and staff: in the clinic's time zone, labelled."""

from datetime import datetime

from django.conf import settings
from django.utils import timezone

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
    """'Tue 1 Dec 2026, 9:00 AM ET' in the clinic's time zone."""
    if moment is None:
        return ""
    local = _local(moment)
    text = f"{local:%a} {local.day} {local:%b %Y}, {_clock(local)}"
    return f"{text} {zone_label(local)}" if with_zone else text


def visit_time_short(moment: datetime) -> str:
    """'Tue 1 Dec, 9:00 AM ET' for subjects."""
    local = _local(moment)
    return f"{local:%a} {local.day} {local:%b}, {_clock(local)} {zone_label(local)}"


def visit_day(moment: datetime) -> str:
    """'3 Dec', the day in the clinic's time zone, for flags in lists."""
    local = _local(moment)
    return f"{local.day} {local:%b}"


def clock(moment: datetime, *, with_zone: bool = False) -> str:
    """'9:00 AM', or '9:00 AM ET' with its zone, in the clinic's time zone."""
    local = _local(moment)
    return f"{_clock(local)} {zone_label(local)}" if with_zone else _clock(local)


def clinic_wall_time(moment: datetime) -> datetime:
    """The clinic's wall-clock time of `moment`, without a zone: for spreadsheets, whose cells
    hold no zone (the column's format names it)."""
    return _local(moment).replace(tzinfo=None)


def _local(moment: datetime) -> datetime:
    # The clinic's zone is the project's TIME_ZONE, whatever zone a request may have activated.
    return timezone.localtime(moment, timezone.get_default_timezone())


def _clock(local: datetime) -> str:
    return f"{local.hour % 12 or 12}:{local:%M} {local:%p}"
