"""Do the bookable hours fit the clinic's opening hours? Pure: two weekly timetables in, the
places where they disagree out, worded for staff.

The clinic's opening hours (Settings › Clinic, shown in the footer) and the booking page's
weekly hours are kept apart on purpose: visits are often offered in only part of the opening
hours. What must not happen unnoticed is a visit bookable while the clinic says it is closed, or
a day the clinic shows as open on which no visit can ever be booked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time

from .slots import WeeklyHours

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Disagreement:
    weekday: int
    kind: str  # "bookable_while_closed" or "open_but_not_bookable"
    message: str


def disagreements(*, opening: Iterable[WeeklyHours], bookable: Iterable[WeeklyHours]) -> list[Disagreement]:
    """Where bookable hours fall outside opening hours, and open days with nothing bookable,
    Monday first."""
    open_by_day = _merged(opening)
    bookable_by_day = _merged(bookable)
    found = []
    for weekday in range(7):
        day = DAY_NAMES[weekday]
        opens = open_by_day.get(weekday, [])
        for start, end in bookable_by_day.get(weekday, []):
            for outside_start, outside_end in _subtract((start, end), opens):
                if opens:
                    message = (
                        f"Visits can be booked on {day} {_span(outside_start, outside_end)}, outside "
                        f"the opening hours patients see ({', '.join(_span(*r) for r in opens)})."
                    )
                else:
                    message = (
                        f"Visits can be booked on {day} {_span(outside_start, outside_end)}, but the "
                        f"opening hours patients see say the clinic is closed on {day}."
                    )
                found.append(Disagreement(weekday, "bookable_while_closed", message))
        if opens and not bookable_by_day.get(weekday):
            found.append(
                Disagreement(
                    weekday,
                    "open_but_not_bookable",
                    f"The opening hours patients see say the clinic is open on {day} "
                    f"({', '.join(_span(*r) for r in opens)}), but no visits can be booked on {day}.",
                )
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


def _span(start: time, end: time) -> str:
    return f"{_clock(start)}–{_clock(end)}"


def _clock(moment: time) -> str:
    return f"{moment.hour % 12 or 12}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"
