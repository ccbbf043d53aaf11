"""Busy times from a calendar's events: pure, no ORM, no network.

Recurrences (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) are expanded by
`recurring-ical-events`; this module only decides what blocks time: opaque, not cancelled
events, with all-day and floating times read in the clinic's zone."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo

import recurring_ical_events
from icalendar import Calendar

logger = logging.getLogger(__name__)

Interval = tuple[datetime, datetime]  # aware, UTC, start < end


def busy_intervals(
    calendars: Iterable[str | bytes],
    *,
    start: datetime,
    end: datetime,
    tz: tzinfo,
    skip_uid: Callable[[str], bool] = lambda uid: False,
) -> list[Interval]:
    """The busy stretches that the calendar objects' events give between start and end (aware),
    in UTC and chronological order; overlapping ones are kept apart (slots.py merges them)."""
    found: list[Interval] = []
    for text in calendars:
        found.extend(_busy_in(text, start=start, end=end, tz=tz, skip_uid=skip_uid))
    return sorted(found)


def _busy_in(text, *, start, end, tz, skip_uid) -> Iterable[Interval]:
    try:
        calendar = Calendar.from_ical(text)
        occurrences = recurring_ical_events.of(calendar, components=["VEVENT"]).between(start, end)
    except Exception:  # noqa: BLE001 - one unreadable object must not hide the others' busy times
        # Never the content in the log: it is someone's private calendar.
        logger.warning("Skipped a calendar object that could not be read or expanded")
        return []
    intervals = []
    for event in occurrences:
        if not _blocks_time(event) or skip_uid(str(event.get("UID", ""))):
            continue
        try:
            first, last = instant(event.start, tz), instant(event.end, tz)
        except (KeyError, ValueError, TypeError, OverflowError):
            continue
        if last > first:
            intervals.append((first, last))
    return intervals


def _blocks_time(event) -> bool:
    """TRANSP:TRANSPARENT is "free" (shown, not blocking); a cancelled event is no longer on."""
    if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return False
    return str(event.get("STATUS", "")).upper() != "CANCELLED"


def instant(value: date | datetime, tz: tzinfo) -> datetime:
    """UTC instant of an event boundary: a date is the clinic's midnight that day, a floating
    (zone-less) time is clinic time, anything else keeps its own zone."""
    if not isinstance(value, datetime):
        local = datetime.combine(value, time(0))
        return _local_instant(local, tz)
    if value.tzinfo is None or value.utcoffset() is None:
        return _local_instant(value, tz)
    return value.astimezone(UTC)


def _local_instant(wall: datetime, tz: tzinfo) -> datetime:
    # A wall time inside a spring-forward gap (02:30 on the March change) does not exist; it is
    # read as the instant the clock reaches it, fold=0, like most calendar apps do.
    return wall.replace(tzinfo=tz).astimezone(UTC)


def window(now: datetime, *, days: int) -> tuple[datetime, datetime]:
    """The span a sync pass expands: from a day ago (visits about to start) to `days` ahead."""
    return now - timedelta(days=1), now + timedelta(days=days + 1)
