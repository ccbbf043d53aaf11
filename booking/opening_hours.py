"""When the clinic is open, and when visits can be booked: the one rule that joins them, and the
places where they disagree, worded for staff. Pure: weekly timetables in, timetables and words out.

The clinic's opening hours (Settings › Clinic, shown to patients in the footer) and the booking
page's weekly hours are kept apart on purpose: visits are often offered in only part of the
opening hours. The rule: visits are offered only where both say so (`bookable_within`), so no
time is ever bookable while the clinic says it is closed. Whoever edits either timetable is shown
where they disagree (times that will not be offered, open days with nothing to book) as they edit,
before saving."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import time

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .slots import WeeklyHours

DAY_NAMES = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)
# The clinic settings' day codes (clinic.blocks.WEEKDAYS), Monday first.
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Disagreement:
    weekday: int
    kind: str  # "bookable_while_closed" or "open_but_not_bookable"
    message: str


def opening_hours_of(blocks: Iterable[Mapping]) -> list[WeeklyHours]:
    """The clinic settings' opening hours (each block: days, opens, closes) as weekly ranges;
    blocks still being filled in (no time, or no day) count for nothing."""
    return [
        WeeklyHours(weekday=DAY_CODES.index(code), start=block["opens"], end=block["closes"])
        for block in blocks
        if block.get("opens") and block.get("closes")
        for code in block.get("days") or ()
        if code in DAY_CODES
    ]


def bookable_within(bookable: Iterable[WeeklyHours], opening: Iterable[WeeklyHours]) -> list[WeeklyHours]:
    """The bookable hours that fall within the opening hours: when visits are offered.

    A clinic that shows no opening hours at all contradicts nothing: its bookable hours stand."""
    open_by_day = _merged(opening)
    bookable_by_day = _merged(bookable)
    if not open_by_day:
        return [
            WeeklyHours(day, start, end) for day, ranges in bookable_by_day.items() for start, end in ranges
        ]
    return [
        WeeklyHours(weekday, max(start, opens), min(end, closes))
        for weekday, ranges in bookable_by_day.items()
        for start, end in ranges
        for opens, closes in open_by_day.get(weekday, [])
        if max(start, opens) < min(end, closes)
    ]


def disagreements(*, opening: Iterable[WeeklyHours], bookable: Iterable[WeeklyHours]) -> list[Disagreement]:
    """Bookable hours outside the opening hours (not offered, by `bookable_within`), and open days
    with nothing bookable, Monday first."""
    open_by_day = _merged(opening)
    bookable_by_day = _merged(bookable)
    if not open_by_day:
        return []
    found = []
    for weekday in range(7):
        day = DAY_NAMES[weekday]
        opens = open_by_day.get(weekday, [])
        for start, end in bookable_by_day.get(weekday, []):
            for outside_start, outside_end in _subtract((start, end), opens):
                values = {"day": day, "span": _span(outside_start, outside_end), "open": _spans(opens)}
                if opens:
                    message = _(
                        "%(day)s %(span)s is in the booking page's weekly hours, outside the opening "
                        "hours patients see (%(open)s): no visits are offered then."
                    )
                else:
                    message = _(
                        "%(day)s %(span)s is in the booking page's weekly hours, but the opening hours "
                        "patients see say the clinic is closed on %(day)s: no visits are offered then."
                    )
                found.append(Disagreement(weekday, "bookable_while_closed", message % values))
        if opens and not bookable_by_day.get(weekday):
            message = _(
                "The opening hours patients see say the clinic is open on %(day)s (%(open)s), but no "
                "visits can be booked on %(day)s."
            )
            found.append(
                Disagreement(weekday, "open_but_not_bookable", message % {"day": day, "open": _spans(opens)})
            )
    return found


def _merged(hours: Iterable[WeeklyHours]) -> dict[int, list[tuple[time, time]]]:
    merged: dict[int, list[tuple[time, time]]] = {}
    for item in sorted(hours, key=lambda h: (h.weekday, h.start)):
        if item.end <= item.start:
            continue  # an incomplete or reversed range offers nothing
        ranges = merged.setdefault(item.weekday, [])
        if ranges and item.start <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], item.end))
        else:
            ranges.append((item.start, item.end))
    return merged


def _subtract(span: tuple[time, time], ranges: list[tuple[time, time]]) -> list[tuple[time, time]]:
    """The parts of `span` that no range in `ranges` (sorted, merged) covers."""
    start, end = span
    left = []
    for opens, closes in ranges:
        if closes <= start or opens >= end:
            continue
        if opens > start:
            left.append((start, opens))
        start = max(start, closes)
        if start >= end:
            break
    if start < end:
        left.append((start, end))
    return left


def _spans(ranges: list[tuple[time, time]]) -> str:
    return ", ".join(_span(*r) for r in ranges)


def _span(start: time, end: time) -> str:
    return f"{_clock(start)}–{_clock(end)}"


def _clock(moment: time) -> str:
    return f"{moment.hour % 12 or 12}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"
