"""The day-first slot picker: which days to offer, which day is open, and its times by part of the
day. Pure, like `slots`: free slots in, a plain description of the picker out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from django.utils.translation import pgettext_lazy

from .slots import Slot, group_by_day, parse_slot_value, slot_value

# Where the day splits into the groups patients scan for ("I can only do mornings").
PARTS_OF_DAY = (
    (pgettext_lazy("part of the day", "Morning"), time(0)),
    (pgettext_lazy("part of the day", "Afternoon"), time(12)),
    (pgettext_lazy("part of the day", "Evening"), time(17)),
)
# The same parts by key, in the same order: what the waitlist stores for "mornings only".
PART_KEYS = ("morning", "afternoon", "evening")
# Days listed at once, two rows on a phone; "Earlier/Later dates" page through the rest, so the
# page stays small however far ahead staff open bookings.
DAYS_PER_PAGE = 8


@dataclass(frozen=True)
class Day:
    day: date
    times: int  # how many free times it has
    before_race: bool = False


@dataclass(frozen=True)
class TimeChoice:
    value: str  # the `slot` radio's value: ISO 8601 with UTC offset
    slot: Slot


@dataclass(frozen=True)
class PartOfDay:
    name: str
    choices: tuple[TimeChoice, ...]


@dataclass(frozen=True)
class Picker:
    days: tuple[Day, ...]
    open_day: date | None  # the day whose times are listed
    parts: tuple[PartOfDay, ...]  # the open day's times, morning first; empty parts left out
    chosen: TimeChoice | None  # the free time the patient chose, if any

    @property
    def _page_start(self) -> int:
        index = next((i for i, day in enumerate(self.days) if day.day == self.open_day), 0)
        return index - index % DAYS_PER_PAGE

    @property
    def days_shown(self) -> tuple[Day, ...]:
        """The page of days that holds the open day."""
        return self.days[self._page_start : self._page_start + DAYS_PER_PAGE]

    @property
    def earlier(self) -> date | None:
        """The first day of the previous page of days, if any."""
        start = self._page_start - DAYS_PER_PAGE
        return self.days[start].day if start >= 0 else None

    @property
    def later(self) -> date | None:
        """The first day of the next page of days, if any."""
        start = self._page_start + DAYS_PER_PAGE
        return self.days[start].day if start < len(self.days) else None


def parts_of_day(day_slots: Sequence[Slot]) -> tuple[PartOfDay, ...]:
    """A day's slots as Morning / Afternoon / Evening by local start time, leaving out empty parts."""
    parts = []
    for index, (name, starts) in enumerate(PARTS_OF_DAY):
        ends = PARTS_OF_DAY[index + 1][1] if index + 1 < len(PARTS_OF_DAY) else None
        choices = tuple(
            TimeChoice(value=slot_value(slot.start), slot=slot)
            for slot in day_slots
            if slot.start.time() >= starts and (ends is None or slot.start.time() < ends)
        )
        if choices:
            parts.append(PartOfDay(name=name, choices=choices))
    return tuple(parts)


def part_of_day(moment: time) -> str:
    """The key (PART_KEYS) of the part of the day a local wall-clock time falls in."""
    index = max(i for i, (_name, starts) in enumerate(PARTS_OF_DAY) if moment >= starts)
    return PART_KEYS[index]


def build_picker(
    free: Sequence[Slot],
    *,
    tz: tzinfo,
    requested_day: date | None = None,
    chosen_value: str | None = None,
    race_date: date | None = None,
) -> Picker:
    """The picker for `free` slots.

    The open day is the chosen time's day (a form sent back keeps its choice in view, and a time
    just taken by someone else leaves the patient among that day's other times), else the
    requested day (`?day=`) when it has free times, else the first day with free times."""
    by_day = dict(group_by_day(free))
    chosen_at = parse_slot_value(chosen_value) if chosen_value else None
    chosen_day = _local_date(chosen_at, tz)
    if chosen_day in by_day:
        open_day = chosen_day
    elif requested_day in by_day:
        open_day = requested_day
    else:
        open_day = next(iter(by_day), None)
    parts = parts_of_day(by_day[open_day]) if open_day else ()
    chosen = next(
        (choice for part in parts for choice in part.choices if choice.value == chosen_value),
        None,
    )
    days = tuple(
        Day(day=day, times=len(day_slots), before_race=bool(race_date and day < race_date))
        for day, day_slots in by_day.items()
    )
    return Picker(days=days, open_day=open_day, parts=parts, chosen=chosen)


def find_choice(free: Sequence[Slot], value: str | None) -> TimeChoice | None:
    """The free time whose `slot` value is `value`, whichever day it is on; None if it is not free."""
    start = parse_slot_value(value) if value else None
    slot = next((slot for slot in free if slot.start == start), None) if start else None
    return TimeChoice(value=slot_value(slot.start), slot=slot) if slot else None


def parse_day(value: object) -> date | None:
    """A `?day=YYYY-MM-DD` value as a date; None for anything else."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _local_date(moment: datetime | None, tz: tzinfo) -> date | None:
    if moment is None:
        return None
    try:
        return moment.astimezone(tz).date()
    except OverflowError:
        return None
