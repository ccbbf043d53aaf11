"""Free discovery-visit slots from weekly hours, closures, bookings and staff's busy times: pure,
no ORM, DST-aware."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import groupby
from zoneinfo import ZoneInfo

__all__ = [
    "Busy",
    "Closure",
    "Rules",
    "Slot",
    "WeeklyHours",
    "free_slots",
    "group_by_day",
    "parse_slot_value",
    "slot_is_free",
    "slot_value",
]

# A slot value is posted back by the browser; anything longer than an ISO datetime with offset and
# microseconds ("2026-12-01T09:00:00.000000+05:30" is 32) is not one of ours.
MAX_SLOT_VALUE_LENGTH = 40


@dataclass(frozen=True)
class WeeklyHours:
    """One opening range for discovery visits, in the clinic's local wall-clock time."""

    weekday: int  # 0 = Monday ... 6 = Sunday
    start: time
    end: time


@dataclass(frozen=True)
class Closure:
    """The clinic is closed from start_date to end_date, both included (local dates)."""

    start_date: date
    end_date: date

    def __post_init__(self) -> None:
        if self.end_date < self.start_date:
            raise ValueError(f"Closure ends ({self.end_date}) before it starts ({self.start_date}).")


@dataclass(frozen=True)
class Busy:
    """Someone who sees patients is busy from start to end (their own calendar): each slot it
    overlaps has one seat fewer, however many of their busy times overlap it."""

    start: datetime  # aware
    end: datetime  # aware
    who: object  # any hashable: the same person's busy times share it

    def __post_init__(self) -> None:
        _require_aware(self.start, "Busy.start")
        _require_aware(self.end, "Busy.end")


@dataclass(frozen=True)
class Rules:
    hours: tuple[WeeklyHours, ...]
    tz: ZoneInfo
    visit_length: timedelta = timedelta(minutes=30)
    buffer: timedelta = timedelta(0)  # gap after each visit before the next slot starts
    min_notice: timedelta = timedelta(hours=12)
    horizon: timedelta = timedelta(days=30)  # how far ahead one can book, from now
    capacity: int = 1

    def __post_init__(self) -> None:
        # Callers building Rules from a queryset naturally pass a list; a frozen, hashable
        # value needs a tuple.
        object.__setattr__(self, "hours", tuple(self.hours))
        if not isinstance(self.tz, tzinfo):
            raise TypeError(f"Rules.tz must be a tzinfo such as ZoneInfo(...), not {self.tz!r}.")
        if self.visit_length <= timedelta(0):
            raise ValueError(f"Rules.visit_length must be positive, got {self.visit_length}.")
        if self.buffer < timedelta(0):
            raise ValueError(f"Rules.buffer must not be negative, got {self.buffer}.")
        if self.min_notice < timedelta(0):
            raise ValueError(f"Rules.min_notice must not be negative, got {self.min_notice}.")
        if self.horizon < timedelta(0):
            raise ValueError(f"Rules.horizon must not be negative, got {self.horizon}.")
        for hours in self.hours:
            if not 0 <= hours.weekday <= 6:
                raise ValueError(
                    f"WeeklyHours.weekday must be 0 (Monday) to 6 (Sunday), got {hours.weekday}."
                )
            if hours.start.tzinfo is not None or hours.end.tzinfo is not None:
                raise ValueError("WeeklyHours times are local wall-clock times: pass naive times.")
            if hours.end <= hours.start:
                raise ValueError(
                    f"WeeklyHours must end after they start, got {hours.start}-{hours.end} "
                    f"on weekday {hours.weekday}."
                )


@dataclass(frozen=True)
class Slot:
    """A bookable visit. Near DST changes, subtract or compare start and end in UTC."""

    start: datetime  # aware, in rules.tz
    end: datetime  # aware, in rules.tz
    remaining: int  # capacity minus taken


def free_slots(
    *,
    rules: Rules,
    closures: Iterable[Closure],
    taken: Mapping[datetime, int],
    now: datetime,
    busy: Iterable[Busy] = (),
) -> list[Slot]:
    """The slots one can book at `now`, in chronological order."""
    _require_aware(now, "now")
    earliest = now + rules.min_notice
    latest = now + rules.horizon
    first_day = earliest.astimezone(rules.tz).date()
    last_day = latest.astimezone(rules.tz).date()
    days = (first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1))
    return list(_offered(days, rules=rules, closures=closures, taken=taken, now=now, busy=busy))


def slot_is_free(
    start: datetime,
    *,
    rules: Rules,
    closures: Iterable[Closure],
    taken: Mapping[datetime, int],
    now: datetime,
    busy: Iterable[Busy] = (),
) -> bool:
    """Whether `start` (any zone) is exactly the start of a slot offered at `now`."""
    _require_aware(now, "now")
    if not _is_aware(start):
        return False
    try:
        instant = start.astimezone(UTC)
        day = start.astimezone(rules.tz).date()
    except OverflowError:
        return False
    offered = _offered([day], rules=rules, closures=closures, taken=taken, now=now, busy=busy)
    return any(slot.start.astimezone(UTC) == instant for slot in offered)


def group_by_day(slots: Iterable[Slot]) -> list[tuple[date, list[Slot]]]:
    """Slots grouped by the local date of their start, days and slots in chronological order."""
    ordered = sorted(slots, key=lambda slot: slot.start.astimezone(UTC))
    return [(day, list(group)) for day, group in groupby(ordered, key=lambda s: s.start.date())]


def parse_slot_value(value: object) -> datetime | None:
    """An aware datetime from an ISO 8601 string with UTC offset; None for anything else."""
    if not isinstance(value, str) or len(value) > MAX_SLOT_VALUE_LENGTH or not value.isascii():
        return None
    try:
        parsed = datetime.fromisoformat(value)
        # Near datetime.min/max an offset can push the instant out of range; later arithmetic
        # would then raise instead of simply not matching a slot.
        parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return parsed if _is_aware(parsed) else None


def slot_value(slot_start: datetime) -> str:
    """The form value for a slot start: ISO 8601 with its offset, to the second."""
    _require_aware(slot_start, "slot_start")
    return slot_start.isoformat(timespec="seconds")


def _offered(
    days: Iterable[date],
    *,
    rules: Rules,
    closures: Iterable[Closure],
    taken: Mapping[datetime, int],
    now: datetime,
    busy: Iterable[Busy] = (),
) -> Iterator[Slot]:
    # Instants are compared in UTC throughout: aware datetimes sharing a tzinfo compare by wall
    # clock and ignore `fold`, which confuses the two 01:30s of the fall-back day.
    if rules.capacity <= 0:
        return
    ranges = _merge_ranges(rules.hours)
    closures = tuple(closures)
    taken_at = _taken_by_instant(taken)
    busy_people = _BusyPeople(busy)
    earliest = (now + rules.min_notice).astimezone(UTC)
    latest = (now + rules.horizon).astimezone(UTC)
    for day in days:
        if any(closure.start_date <= day <= closure.end_date for closure in closures):
            continue
        for start, end in _day_slots(day, ranges.get(day.weekday(), ()), rules):
            if not earliest <= start <= latest:
                continue
            remaining = rules.capacity - taken_at.get(start, 0) - busy_people.count(start, end)
            if remaining > 0:
                yield Slot(
                    start=start.astimezone(rules.tz),
                    end=end.astimezone(rules.tz),
                    remaining=remaining,
                )


def _day_slots(
    day: date, ranges: Iterable[tuple[time, time]], rules: Rules
) -> Iterator[tuple[datetime, datetime]]:
    """(start, end) in UTC of every slot the day's opening ranges give, in order."""
    tz = rules.tz
    step = rules.visit_length + rules.buffer
    for opens, closes in ranges:
        close_wall = datetime.combine(day, closes)
        # fold=0: an ambiguous closing time means its first occurrence, the earlier instant.
        close_at = close_wall.replace(tzinfo=tz).astimezone(UTC)
        wall = datetime.combine(day, opens)
        not_before = None
        while wall < close_wall:
            start = _existing_instant(wall, tz)
            wall += step
            if start is None:
                continue
            # Walking the wall clock across a spring-forward gap can land inside the previous
            # visit (or its buffer) in real time; that would double-book a capacity of one.
            if not_before is not None and start < not_before:
                continue
            end = start + rules.visit_length
            # A closing time inside a spring-forward gap has no instant of its own; the wall-clock
            # check keeps visits from ending after it.
            if end > close_at or end.astimezone(tz).replace(tzinfo=None) > close_wall:
                continue
            not_before = end + rules.buffer
            yield start, end


def _existing_instant(wall: datetime, tz: tzinfo) -> datetime | None:
    """The UTC instant of a naive local time (first occurrence if ambiguous), None in a DST gap."""
    instant = datetime.combine(wall.date(), wall.time(), tzinfo=tz).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != wall:
        return None
    return instant


def _merge_ranges(weekly: Iterable[WeeklyHours]) -> dict[int, tuple[tuple[time, time], ...]]:
    # Overlapping or touching ranges mean the clinic is open through their union; generating each
    # on its own grid would repeat starts or offer overlapping visits.
    merged: dict[int, list[tuple[time, time]]] = {}
    for hours in sorted(weekly, key=lambda h: (h.weekday, h.start)):
        ranges = merged.setdefault(hours.weekday, [])
        if ranges and hours.start <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], hours.end))
        else:
            ranges.append((hours.start, hours.end))
    return {weekday: tuple(ranges) for weekday, ranges in merged.items()}


class _BusyPeople:
    """How many different people are busy at some point of a slot: each person's busy times are
    merged into sorted, disjoint UTC intervals, so a slot is one bisection per person."""

    def __init__(self, busy: Iterable[Busy]):
        by_person: dict[object, list[tuple[datetime, datetime]]] = {}
        for item in busy:
            start, end = item.start.astimezone(UTC), item.end.astimezone(UTC)
            if end > start:
                by_person.setdefault(item.who, []).append((start, end))
        self._people = []
        for intervals in by_person.values():
            merged: list[list[datetime]] = []
            for start, end in sorted(intervals):
                if merged and start <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            self._people.append(([s for s, _ in merged], [e for _, e in merged]))

    def count(self, start: datetime, end: datetime) -> int:
        """People busy at some instant of [start, end) (UTC); touching edges do not overlap."""
        busy = 0
        for starts, ends in self._people:
            # The first interval ending after the slot starts overlaps it if it starts before
            # the slot ends (the intervals are disjoint and sorted).
            index = bisect_right(ends, start)
            if index < len(ends) and starts[index] < end:
                busy += 1
        return busy


def _taken_by_instant(taken: Mapping[datetime, int]) -> dict[datetime, int]:
    for start in taken:
        _require_aware(start, "taken keys")
    return {start.astimezone(UTC): count for start, count in taken.items()}


def _is_aware(value: object) -> bool:
    return isinstance(value, datetime) and value.utcoffset() is not None


def _require_aware(value: datetime, name: str) -> None:
    if not _is_aware(value):
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}.")
