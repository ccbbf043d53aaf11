from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from booking.slots import (
    Busy,
    Closure,
    Rules,
    Slot,
    WeeklyHours,
    free_slots,
    group_by_day,
    parse_slot_value,
    slot_is_free,
    slot_value,
)

NY = ZoneInfo("America/New_York")
MONDAY, TUESDAY, WEDNESDAY, SUNDAY = 0, 1, 2, 6
JUNE_1 = date(2026, 6, 1)  # a Monday, daylight time (UTC-4)
SPRING_FORWARD = date(2026, 3, 8)  # a Sunday: 02:00 EST jumps to 03:00 EDT
FALL_BACK = date(2026, 11, 1)  # a Sunday: 02:00 EDT falls back to 01:00 EST
THIRTY = timedelta(minutes=30)


def at(day: date, hh_mm: str, *, fold: int = 0) -> datetime:
    return datetime.combine(day, time.fromisoformat(hh_mm), tzinfo=NY).replace(fold=fold)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def hours(weekday: int, start: str, end: str) -> WeeklyHours:
    return WeeklyHours(weekday, time.fromisoformat(start), time.fromisoformat(end))


def make_rules(*weekly: WeeklyHours, **overrides) -> Rules:
    return Rules(hours=weekly, tz=NY, **overrides)


def offered(rules: Rules, *, now: datetime, closures=(), taken=None) -> list[Slot]:
    return free_slots(rules=rules, closures=closures, taken=taken or {}, now=now)


def is_free(start: datetime, rules: Rules, *, now: datetime, closures=(), taken=None) -> bool:
    return slot_is_free(start, rules=rules, closures=closures, taken=taken or {}, now=now)


def wall_starts(slots: list[Slot], day: date) -> list[str]:
    return [s.start.strftime("%H:%M") for s in slots if s.start.date() == day]


def instants(slots: list[Slot]) -> list[datetime]:
    return [s.start.astimezone(UTC) for s in slots]


# The Sunday before JUNE_1: with the default 12 h notice, all of Monday is bookable.
SUNDAY_NOON = at(date(2026, 5, 31), "12:00")


# --- generation --------------------------------------------------------------------------------


def test_weekday_range_yields_a_slot_every_visit_length():
    slots = offered(make_rules(hours(MONDAY, "09:00", "11:00")), now=SUNDAY_NOON)

    assert wall_starts(slots, JUNE_1) == ["09:00", "09:30", "10:00", "10:30"]


def test_slots_fall_only_on_the_configured_weekday():
    slots = offered(make_rules(hours(MONDAY, "09:00", "11:00")), now=SUNDAY_NOON)

    # 30-day horizon from May 31 noon: Mondays June 1, 8, 15, 22, 29.
    assert {s.start.date() for s in slots} == {JUNE_1 + timedelta(weeks=n) for n in range(5)}
    assert len(slots) == 5 * 4


def test_slots_are_aware_in_clinic_zone_and_last_visit_length():
    slot = offered(make_rules(hours(MONDAY, "09:00", "09:30")), now=SUNDAY_NOON)[0]

    assert slot.start.tzinfo is NY
    assert slot.end.tzinfo is NY
    assert slot.start.astimezone(UTC) == utc("2026-06-01T13:00")
    assert slot.end - slot.start == THIRTY
    assert slot.remaining == 1


def test_several_ranges_on_one_day_are_all_offered_in_order():
    rules = make_rules(hours(MONDAY, "14:00", "15:00"), hours(MONDAY, "09:00", "10:00"))

    slots = offered(rules, now=SUNDAY_NOON)

    assert wall_starts(slots, JUNE_1) == ["09:00", "09:30", "14:00", "14:30"]


def test_range_that_does_not_divide_evenly_drops_the_remainder():
    slots = offered(make_rules(hours(MONDAY, "09:00", "10:45")), now=SUNDAY_NOON)

    assert wall_starts(slots, JUNE_1) == ["09:00", "09:30", "10:00"]
    assert slots[2].end == at(JUNE_1, "10:30")


def test_range_shorter_than_a_visit_yields_nothing():
    assert offered(make_rules(hours(MONDAY, "09:00", "09:29")), now=SUNDAY_NOON) == []


def test_identical_ranges_entered_twice_offer_each_start_once():
    rules = make_rules(hours(MONDAY, "09:00", "10:00"), hours(MONDAY, "09:00", "10:00"))

    assert wall_starts(offered(rules, now=SUNDAY_NOON), JUNE_1) == ["09:00", "09:30"]


def test_overlapping_ranges_are_merged_into_one_grid_without_duplicates_or_overlaps():
    rules = make_rules(
        hours(MONDAY, "09:00", "10:30"),
        hours(MONDAY, "10:15", "11:00"),
        visit_length=timedelta(minutes=45),
    )

    slots = offered(rules, now=SUNDAY_NOON)

    # One grid over 09:00-11:00, not 09:00/09:45 plus 10:15, which would overlap 09:45.
    assert wall_starts(slots, JUNE_1) == ["09:00", "09:45"]


def test_touching_ranges_are_one_continuous_opening():
    rules = make_rules(hours(MONDAY, "09:00", "10:10"), hours(MONDAY, "10:10", "11:00"))

    assert wall_starts(offered(rules, now=SUNDAY_NOON), JUNE_1) == [
        "09:00",
        "09:30",
        "10:00",
        "10:30",
    ]


def test_range_inside_another_range_adds_nothing():
    rules = make_rules(hours(MONDAY, "09:00", "11:00"), hours(MONDAY, "09:10", "09:50"))

    assert wall_starts(offered(rules, now=SUNDAY_NOON), JUNE_1) == [
        "09:00",
        "09:30",
        "10:00",
        "10:30",
    ]


def test_buffer_spaces_slot_starts_but_not_slot_length():
    rules = make_rules(hours(MONDAY, "09:00", "11:00"), buffer=timedelta(minutes=15))

    slots = offered(rules, now=SUNDAY_NOON)

    assert wall_starts(slots, JUNE_1) == ["09:00", "09:45", "10:30"]
    assert all(s.end - s.start == THIRTY for s in slots)


def test_buffer_after_the_last_visit_may_run_past_range_end():
    rules = make_rules(hours(MONDAY, "09:00", "10:15"), buffer=timedelta(minutes=15))

    slots = offered(rules, now=SUNDAY_NOON)

    assert wall_starts(slots, JUNE_1) == ["09:00", "09:45"]
    assert slots[1].end == at(JUNE_1, "10:15")


def test_free_slots_are_chronological_across_days():
    rules = make_rules(
        hours(TUESDAY, "08:00", "09:00"),
        hours(MONDAY, "17:00", "18:00"),
        hours(MONDAY, "09:00", "10:00"),
    )

    slots = offered(rules, now=SUNDAY_NOON)

    assert instants(slots) == sorted(instants(slots))
    assert [s.start for s in slots[:6]] == [
        at(JUNE_1, "09:00"),
        at(JUNE_1, "09:30"),
        at(JUNE_1, "17:00"),
        at(JUNE_1, "17:30"),
        at(date(2026, 6, 2), "08:00"),
        at(date(2026, 6, 2), "08:30"),
    ]


def test_empty_hours_yield_no_slots():
    assert offered(make_rules(), now=SUNDAY_NOON) == []


# --- capacity and bookings ---------------------------------------------------------------------


def test_remaining_is_capacity_minus_bookings_given_in_utc():
    rules = make_rules(hours(MONDAY, "09:00", "10:00"), capacity=3)
    taken = {utc("2026-06-01T13:00"): 2}  # 09:00 in New York (UTC-4)

    slots = offered(rules, now=SUNDAY_NOON, taken=taken)

    assert [(s.start, s.remaining) for s in slots if s.start.date() == JUNE_1] == [
        (at(JUNE_1, "09:00"), 1),
        (at(JUNE_1, "09:30"), 3),
    ]


def test_fully_taken_slot_is_not_offered():
    rules = make_rules(hours(MONDAY, "09:00", "10:00"))

    slots = offered(rules, now=SUNDAY_NOON, taken={at(JUNE_1, "09:00"): 1})

    assert wall_starts(slots, JUNE_1) == ["09:30"]


def test_overbooked_slot_is_not_offered():
    rules = make_rules(hours(MONDAY, "09:00", "10:00"), capacity=2)

    slots = offered(rules, now=SUNDAY_NOON, taken={at(JUNE_1, "09:30"): 5})

    assert wall_starts(slots, JUNE_1) == ["09:00"]


def test_bookings_keyed_in_a_fixed_offset_zone_match_the_local_slot():
    rules = make_rules(hours(MONDAY, "09:00", "10:00"))
    taken = {datetime.fromisoformat("2026-06-01T09:30:00-04:00"): 1}

    slots = offered(rules, now=SUNDAY_NOON, taken=taken)

    assert wall_starts(slots, JUNE_1) == ["09:00"]


def test_bookings_off_the_grid_are_ignored():
    rules = make_rules(hours(MONDAY, "09:00", "10:00"))

    slots = offered(rules, now=SUNDAY_NOON, taken={at(JUNE_1, "09:15"): 1})

    assert [s.remaining for s in slots if s.start.date() == JUNE_1] == [1, 1]


@pytest.mark.parametrize("capacity", [0, -1])
def test_no_capacity_offers_nothing(capacity):
    rules = make_rules(hours(MONDAY, "09:00", "10:00"), capacity=capacity)

    assert offered(rules, now=SUNDAY_NOON) == []


def test_naive_booking_time_is_rejected():
    rules = make_rules(hours(MONDAY, "09:00", "10:00"))

    with pytest.raises(ValueError, match="taken"):
        offered(rules, now=SUNDAY_NOON, taken={datetime(2026, 6, 1, 9): 1})


# --- now, notice and horizon -------------------------------------------------------------------


def test_slot_exactly_at_minimum_notice_is_offered():
    rules = make_rules(hours(MONDAY, "09:00", "10:00"), min_notice=timedelta(hours=1))

    slots = offered(rules, now=at(JUNE_1, "08:00"))

    assert wall_starts(slots, JUNE_1) == ["09:00", "09:30"]


def test_slot_starting_within_minimum_notice_is_hidden():
    rules = make_rules(hours(MONDAY, "09:00", "10:00"), min_notice=timedelta(hours=1))

    slots = offered(rules, now=at(JUNE_1, "08:01"))

    assert wall_starts(slots, JUNE_1) == ["09:30"]


def test_default_minimum_notice_is_twelve_hours():
    rules = make_rules(hours(MONDAY, "09:00", "10:00"), hours(TUESDAY, "09:00", "10:00"))

    slots = offered(rules, now=at(JUNE_1, "21:15"))

    assert slots[0].start == at(date(2026, 6, 2), "09:30")


def test_past_slots_are_never_offered():
    rules = make_rules(hours(MONDAY, "09:00", "11:00"), min_notice=timedelta(0))

    slots = offered(rules, now=at(JUNE_1, "10:10"))

    assert wall_starts(slots, JUNE_1) == ["10:30"]


def test_slot_exactly_at_horizon_is_offered_and_later_ones_are_not():
    rules = make_rules(
        hours(TUESDAY, "09:00", "10:00"),
        min_notice=timedelta(0),
        horizon=timedelta(days=1),
    )

    slots = offered(rules, now=at(JUNE_1, "09:00"))

    assert [s.start for s in slots] == [at(date(2026, 6, 2), "09:00")]


def test_horizon_hides_days_beyond_it():
    rules = make_rules(hours(MONDAY, "09:00", "10:00"), horizon=timedelta(days=10))

    slots = offered(rules, now=SUNDAY_NOON)

    assert {s.start.date() for s in slots} == {JUNE_1, date(2026, 6, 8)}


def test_notice_longer_than_horizon_offers_nothing():
    rules = make_rules(
        hours(MONDAY, "09:00", "10:00"),
        min_notice=timedelta(days=3),
        horizon=timedelta(days=2),
    )

    assert offered(rules, now=SUNDAY_NOON) == []


def test_now_in_another_zone_is_compared_as_an_instant():
    rules = make_rules(hours(MONDAY, "09:00", "10:00"), min_notice=timedelta(0))

    # 13:10 UTC is 09:10 in New York; the UTC date and wall clock must not leak in.
    slots = offered(rules, now=utc("2026-06-01T13:10"))

    assert wall_starts(slots, JUNE_1) == ["09:30"]


def test_naive_now_is_rejected():
    rules = make_rules(hours(MONDAY, "09:00", "10:00"))

    with pytest.raises(ValueError, match="now"):
        offered(rules, now=datetime(2026, 5, 31, 12))


# --- closures ----------------------------------------------------------------------------------


def test_single_day_closure_removes_that_day_only():
    rules = make_rules(hours(MONDAY, "09:00", "10:00"))

    slots = offered(rules, now=SUNDAY_NOON, closures=[Closure(JUNE_1, JUNE_1)])

    assert wall_starts(slots, JUNE_1) == []
    assert wall_starts(slots, date(2026, 6, 8)) == ["09:00", "09:30"]


def test_multi_day_closure_includes_both_end_dates():
    rules = make_rules(*(hours(day, "09:00", "09:30") for day in range(7)))
    closure = Closure(date(2026, 6, 2), date(2026, 6, 4))

    slots = offered(rules, now=SUNDAY_NOON, closures=[closure], taken={})

    days = [s.start.date() for s in slots][:4]
    assert days == [JUNE_1, date(2026, 6, 5), date(2026, 6, 6), date(2026, 6, 7)]


def test_closure_applies_to_local_date_not_utc_date():
    # 20:00-22:00 in New York is 00:00-02:00 UTC the next day.
    rules = make_rules(hours(MONDAY, "20:00", "22:00"))

    closed_locally = offered(rules, now=SUNDAY_NOON, closures=[Closure(JUNE_1, JUNE_1)])
    closed_next_day = offered(rules, now=SUNDAY_NOON, closures=[Closure(date(2026, 6, 2), date(2026, 6, 2))])

    assert wall_starts(closed_locally, JUNE_1) == []
    assert len(wall_starts(closed_next_day, JUNE_1)) == 4


def test_closures_may_be_a_one_shot_iterator():
    rules = make_rules(hours(MONDAY, "09:00", "10:00"), hours(TUESDAY, "09:00", "10:00"))
    closures = (c for c in [Closure(date(2026, 6, 2), date(2026, 6, 2))])

    slots = offered(rules, now=SUNDAY_NOON, closures=closures)

    assert wall_starts(slots, date(2026, 6, 2)) == []
    assert wall_starts(slots, JUNE_1) == ["09:00", "09:30"]


def test_closure_ending_before_it_starts_is_rejected():
    with pytest.raises(ValueError, match="before it starts"):
        Closure(date(2026, 6, 2), date(2026, 6, 1))


# --- daylight saving time ----------------------------------------------------------------------


def test_spring_forward_skips_nonexistent_local_times():
    rules = make_rules(hours(SUNDAY, "01:00", "04:00"))

    slots = offered(rules, now=at(date(2026, 3, 7), "00:00"), taken={})

    assert wall_starts(slots, SPRING_FORWARD) == ["01:00", "01:30", "03:00", "03:30"]
    assert instants(slots)[:4] == [
        utc("2026-03-08T06:00"),  # 01:00 EST
        utc("2026-03-08T06:30"),  # 01:30 EST
        utc("2026-03-08T07:00"),  # 03:00 EDT
        utc("2026-03-08T07:30"),  # 03:30 EDT
    ]


def test_spring_forward_offsets_change_at_the_gap():
    rules = make_rules(hours(SUNDAY, "01:00", "04:00"))

    slots = offered(rules, now=at(date(2026, 3, 7), "00:00"))

    assert [s.start.utcoffset() for s in slots[:4]] == [timedelta(hours=-5)] * 2 + [timedelta(hours=-4)] * 2
    # 01:30 EST + 30 minutes is 03:00 EDT.
    assert slots[1].end == at(SPRING_FORWARD, "03:00")


def test_spring_forward_slots_never_overlap_when_the_grid_crosses_the_gap():
    rules = make_rules(hours(SUNDAY, "01:00", "05:00"), visit_length=timedelta(minutes=45))

    slots = offered(rules, now=at(date(2026, 3, 7), "00:00"))[:3]

    # 01:45 EST runs to 03:30 EDT, so the next grid time, 03:15 EDT, is dropped, not shifted.
    assert wall_starts(slots, SPRING_FORWARD) == ["01:00", "01:45", "04:00"]
    for earlier, later in zip(slots, slots[1:], strict=False):
        assert later.start.astimezone(UTC) >= earlier.end.astimezone(UTC)


def test_spring_forward_closing_time_in_the_gap_is_not_overrun():
    rules = make_rules(hours(SUNDAY, "01:00", "02:30"))

    slots = offered(rules, now=at(date(2026, 3, 7), "00:00"))

    # 01:30 EST would end at 03:00 EDT, after the 02:30 closing time on the wall clock.
    assert wall_starts(slots, SPRING_FORWARD) == ["01:00"]


def test_fall_back_offers_each_ambiguous_wall_time_once_at_first_occurrence():
    rules = make_rules(hours(SUNDAY, "00:00", "03:00"))

    slots = offered(rules, now=at(date(2026, 10, 31), "00:00"), taken={})
    day = [s for s in slots if s.start.date() == FALL_BACK]

    assert wall_starts(day, FALL_BACK) == ["00:00", "00:30", "01:00", "01:30", "02:00", "02:30"]
    assert instants(day) == [
        utc("2026-11-01T04:00"),  # 00:00 EDT
        utc("2026-11-01T04:30"),
        utc("2026-11-01T05:00"),  # 01:00 EDT, the first 01:00
        utc("2026-11-01T05:30"),
        utc("2026-11-01T07:00"),  # 02:00 EST
        utc("2026-11-01T07:30"),
    ]


def test_fall_back_slots_are_ordered_and_last_real_visit_length():
    rules = make_rules(hours(SUNDAY, "00:00", "03:00"))

    slots = offered(rules, now=at(date(2026, 10, 31), "00:00"))
    day = [s for s in slots if s.start.date() == FALL_BACK]

    assert instants(day) == sorted(set(instants(day)))
    # Subtract in UTC: aware datetimes sharing a tzinfo subtract by wall clock, and 01:30 EDT
    # ends at 01:00 EST.
    assert [s.end.astimezone(UTC) - s.start.astimezone(UTC) for s in day] == [THIRTY] * 6
    assert day[3].end.strftime("%H:%M%z") == "01:00-0500"


def test_fall_back_ambiguous_closing_time_means_its_first_occurrence():
    rules = make_rules(hours(SUNDAY, "00:00", "01:30"))

    slots = offered(rules, now=at(date(2026, 10, 31), "00:00"))

    assert wall_starts(slots, FALL_BACK) == ["00:00", "00:30", "01:00"]
    # Python never calls an ambiguous local time equal to one in another zone: compare in UTC.
    assert slots[2].end.astimezone(UTC) == utc("2026-11-01T05:30")


def test_fall_back_booking_of_first_occurrence_does_not_take_the_second():
    rules = make_rules(hours(SUNDAY, "01:00", "03:00"))
    first_0130 = utc("2026-11-01T05:30")

    slots = offered(rules, now=at(date(2026, 10, 31), "00:00"), taken={first_0130: 1})

    assert wall_starts(slots, FALL_BACK) == ["01:00", "02:00", "02:30"]


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"visit_length": timedelta(0)}, "visit_length", id="zero-visit"),
        pytest.param({"visit_length": -THIRTY}, "visit_length", id="negative-visit"),
        pytest.param({"buffer": timedelta(minutes=-5)}, "buffer", id="negative-buffer"),
        pytest.param({"min_notice": timedelta(hours=-1)}, "min_notice", id="negative-notice"),
        pytest.param({"horizon": timedelta(days=-1)}, "horizon", id="negative-horizon"),
        pytest.param({"hours": (hours(MONDAY, "10:00", "09:00"),)}, "end after", id="end<start"),
        pytest.param({"hours": (hours(MONDAY, "09:00", "09:00"),)}, "end after", id="end=start"),
        pytest.param({"hours": (WeeklyHours(7, time(9), time(10)),)}, "weekday", id="day-7"),
        pytest.param({"hours": (WeeklyHours(-1, time(9), time(10)),)}, "weekday", id="day--1"),
        pytest.param(
            {"hours": (WeeklyHours(MONDAY, time(9, tzinfo=UTC), time(10)),)},
            "naive",
            id="aware-time",
        ),
    ],
)
def test_invalid_rules_raise_value_error(overrides, message):
    arguments = {"hours": (hours(MONDAY, "09:00", "10:00"),), "tz": NY, **overrides}

    with pytest.raises(ValueError, match=message):
        Rules(**arguments)


def test_rules_without_a_time_zone_object_are_rejected():
    with pytest.raises(TypeError, match="tz"):
        Rules(hours=(), tz="America/New_York")


def test_rules_accept_hours_as_a_list_and_stay_hashable():
    rules = Rules(hours=[hours(MONDAY, "09:00", "10:00")], tz=NY)

    assert rules.hours == (hours(MONDAY, "09:00", "10:00"),)
    assert hash(rules) == hash(Rules(hours=(hours(MONDAY, "09:00", "10:00"),), tz=NY))


# --- form values -------------------------------------------------------------------------------


def test_slot_value_is_iso_8601_with_local_offset_to_the_second():
    assert slot_value(at(date(2026, 12, 1), "09:00")) == "2026-12-01T09:00:00-05:00"
    assert slot_value(at(JUNE_1, "09:00")) == "2026-06-01T09:00:00-04:00"


def test_slot_value_drops_microseconds():
    assert slot_value(at(JUNE_1, "09:00").replace(microsecond=999)) == "2026-06-01T09:00:00-04:00"


def test_slot_value_tells_the_two_fall_back_one_thirties_apart():
    assert slot_value(at(FALL_BACK, "01:30")) == "2026-11-01T01:30:00-04:00"
    assert slot_value(at(FALL_BACK, "01:30", fold=1)) == "2026-11-01T01:30:00-05:00"


def test_slot_value_rejects_naive_datetime():
    with pytest.raises(ValueError, match="aware"):
        slot_value(datetime(2026, 12, 1, 9))


def test_parse_slot_value_reads_an_offset_datetime():
    parsed = parse_slot_value("2026-12-01T09:00:00-05:00")

    assert parsed == utc("2026-12-01T14:00")
    assert parsed.utcoffset() == timedelta(hours=-5)


def test_parse_slot_value_accepts_z_for_utc():
    assert parse_slot_value("2026-12-01T14:00:00Z") == utc("2026-12-01T14:00")


def test_parse_slot_value_round_trips_every_offered_slot():
    rules = make_rules(hours(SUNDAY, "00:00", "03:00"), hours(MONDAY, "09:00", "12:00"))

    slots = offered(rules, now=at(date(2026, 10, 31), "00:00"))

    assert slots
    for slot in slots:
        parsed = parse_slot_value(slot_value(slot.start))
        assert parsed.astimezone(UTC) == slot.start.astimezone(UTC)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("", id="empty"),
        pytest.param("nonsense", id="nonsense"),
        pytest.param("2026-12-01T09:00:00", id="naive"),
        pytest.param("2026-12-01", id="date-only"),
        pytest.param("2026-12-01T09:00:00-05:00" * 400, id="10kB"),
        pytest.param(None, id="None"),
        pytest.param(1764597600, id="int"),
        pytest.param(b"2026-12-01T09:00:00-05:00", id="bytes"),
        pytest.param("2026-12-01T09:00:00-05:00' OR 1=1", id="sql-injection"),
        pytest.param("2026-12-01T09:00:00-05:00<script>", id="markup"),
        pytest.param(" 2026-12-01T09:00:00-05:00", id="leading-space"),
        pytest.param("2026-12-01T09:00:00-05:00\n", id="trailing-newline"),
        pytest.param("2026-13-01T09:00:00-05:00", id="month-13"),
        pytest.param("2026-12-01T09:00:00+25:00", id="offset-25h"),
        pytest.param("２０２６-12-01T09:00:00-05:00", id="fullwidth-digits"),
        pytest.param("0001-01-01T00:00:00+01:00", id="before-datetime-min"),
        pytest.param("9999-12-31T23:59:59-01:00", id="after-datetime-max"),
    ],
)
def test_parse_slot_value_returns_none_for_hostile_input(value):
    assert parse_slot_value(value) is None


def test_parse_slot_value_rejects_anything_longer_than_forty_characters():
    valid_but_long = "2026-12-01T09:00:00.000000-05:00:00.000000"

    assert len(valid_but_long) > 40
    assert parse_slot_value(valid_but_long) is None


# --- slot_is_free ------------------------------------------------------------------------------

TUESDAY_RULES = make_rules(hours(TUESDAY, "09:00", "12:00"))
DEC_1 = date(2026, 12, 1)  # a Tuesday, standard time (UTC-5)
NOV_30_NOON = at(date(2026, 11, 30), "12:00")


def test_slot_is_free_for_an_offered_slot():
    assert is_free(at(DEC_1, "09:30"), TUESDAY_RULES, now=NOV_30_NOON)


def test_slot_is_free_for_an_offered_slot_given_in_another_zone():
    assert is_free(utc("2026-12-01T14:30"), TUESDAY_RULES, now=NOV_30_NOON)


def test_slot_is_free_for_a_parsed_form_value():
    start = parse_slot_value("2026-12-01T09:30:00-05:00")

    assert is_free(start, TUESDAY_RULES, now=NOV_30_NOON)


def test_slot_is_not_free_off_the_grid():
    assert not is_free(at(DEC_1, "09:31"), TUESDAY_RULES, now=NOV_30_NOON)
    assert not is_free(at(DEC_1, "09:30").replace(second=1), TUESDAY_RULES, now=NOV_30_NOON)


def test_slot_is_not_free_outside_opening_hours():
    assert not is_free(at(DEC_1, "12:00"), TUESDAY_RULES, now=NOV_30_NOON)
    assert not is_free(at(date(2026, 12, 2), "09:30"), TUESDAY_RULES, now=NOV_30_NOON)


def test_slot_is_not_free_once_taken():
    taken = {utc("2026-12-01T14:30"): 1}

    assert not is_free(at(DEC_1, "09:30"), TUESDAY_RULES, now=NOV_30_NOON, taken=taken)


def test_slot_is_not_free_on_a_closed_day():
    closures = [Closure(date(2026, 11, 28), DEC_1)]

    assert not is_free(at(DEC_1, "09:30"), TUESDAY_RULES, now=NOV_30_NOON, closures=closures)


def test_slot_is_not_free_within_minimum_notice_or_beyond_horizon():
    assert not is_free(at(DEC_1, "09:30"), TUESDAY_RULES, now=at(DEC_1, "00:00"))
    assert not is_free(at(date(2027, 1, 5), "09:30"), TUESDAY_RULES, now=NOV_30_NOON)


def test_slot_is_not_free_for_a_naive_start():
    assert not is_free(datetime(2026, 12, 1, 9, 30), TUESDAY_RULES, now=NOV_30_NOON)


def test_slot_is_not_free_at_the_edge_of_representable_time():
    start = datetime(1, 1, 1, 2, tzinfo=UTC)

    assert not is_free(start, TUESDAY_RULES, now=NOV_30_NOON)


def test_slot_is_free_tells_the_two_fall_back_one_thirties_apart():
    rules = make_rules(hours(SUNDAY, "00:00", "03:00"))
    now = at(date(2026, 10, 31), "00:00")

    assert is_free(at(FALL_BACK, "01:30"), rules, now=now)
    # Same tzinfo and wall clock, an hour later in real time: not a slot.
    assert not is_free(at(FALL_BACK, "01:30", fold=1), rules, now=now)


# --- grouping ----------------------------------------------------------------------------------


def test_group_by_day_groups_by_local_date_in_order():
    rules = make_rules(hours(MONDAY, "20:00", "21:00"), hours(TUESDAY, "09:00", "10:00"))
    slots = offered(rules, now=SUNDAY_NOON, taken={})[:4]

    grouped = group_by_day(slots)

    # 20:30 New York is already June 2 in UTC; it still belongs to Monday.
    assert [(day, [s.start.strftime("%H:%M") for s in group]) for day, group in grouped] == [
        (JUNE_1, ["20:00", "20:30"]),
        (date(2026, 6, 2), ["09:00", "09:30"]),
    ]


def test_group_by_day_sorts_unordered_slots():
    rules = make_rules(hours(MONDAY, "09:00", "10:00"), hours(TUESDAY, "09:00", "10:00"))
    slots = offered(rules, now=SUNDAY_NOON)[:4]

    assert group_by_day(reversed(slots)) == group_by_day(slots)


def test_group_by_day_orders_fall_back_slots_by_real_time():
    second_0100 = at(FALL_BACK, "01:00", fold=1)
    first_0130 = at(FALL_BACK, "01:30")
    slots = [
        Slot(start=second_0100, end=at(FALL_BACK, "01:30", fold=1), remaining=1),
        Slot(start=first_0130, end=second_0100, remaining=1),
    ]

    [(day, group)] = group_by_day(slots)

    assert day == FALL_BACK
    assert [s.start for s in group] == [first_0130, second_0100]


def test_group_by_day_of_nothing_is_empty():
    assert group_by_day([]) == []


# Staff busy in their own calendar (booking/calendars): each busy person takes one seat.


def busy(start: datetime, end: datetime, who="ashley") -> Busy:
    return Busy(start=start, end=end, who=who)


def test_a_busy_time_removes_the_slots_it_overlaps_and_no_others():
    rules = make_rules(hours(MONDAY, "09:00", "11:00"))
    free = free_slots(
        rules=rules,
        closures=(),
        taken={},
        now=SUNDAY_NOON,
        busy=[busy(at(JUNE_1, "09:15"), at(JUNE_1, "10:00"))],
    )
    assert wall_starts(free, JUNE_1) == ["10:00", "10:30"]


def test_a_busy_time_touching_a_slot_edge_leaves_it_free():
    rules = make_rules(hours(MONDAY, "09:00", "10:00"))
    free = free_slots(
        rules=rules,
        closures=(),
        taken={},
        now=SUNDAY_NOON,
        busy=[busy(at(JUNE_1, "08:00"), at(JUNE_1, "09:00"))],
    )
    assert wall_starts(free, JUNE_1) == ["09:00", "09:30"]


def test_one_busy_person_takes_one_seat_of_a_slot_for_two():
    rules = make_rules(hours(MONDAY, "09:00", "09:30"), capacity=2)
    one = free_slots(
        rules=rules,
        closures=(),
        taken={},
        now=SUNDAY_NOON,
        busy=[busy(at(JUNE_1, "08:00"), at(JUNE_1, "12:00"))],
    )
    assert [slot.remaining for slot in one if slot.start.date() == JUNE_1] == [1]


def test_the_same_person_busy_twice_in_a_slot_still_takes_one_seat():
    rules = make_rules(hours(MONDAY, "09:00", "09:30"), capacity=2)
    free = free_slots(
        rules=rules,
        closures=(),
        taken={},
        now=SUNDAY_NOON,
        busy=[busy(at(JUNE_1, "09:00"), at(JUNE_1, "09:10")), busy(at(JUNE_1, "09:20"), at(JUNE_1, "09:40"))],
    )
    assert [slot.remaining for slot in free if slot.start.date() == JUNE_1] == [1]


def test_two_busy_people_and_a_booking_fill_a_slot_for_three():
    rules = make_rules(hours(MONDAY, "09:00", "09:30"), capacity=3)
    start = at(JUNE_1, "09:00")
    free = free_slots(
        rules=rules,
        closures=(),
        taken={start: 1},
        now=SUNDAY_NOON,
        busy=[busy(start, at(JUNE_1, "10:00"), "a"), busy(start, at(JUNE_1, "10:00"), "b")],
    )
    assert wall_starts(free, JUNE_1) == []


def test_slot_is_free_counts_busy_people_too():
    rules = make_rules(hours(MONDAY, "09:00", "09:30"))
    start = at(JUNE_1, "09:00")
    busy_then = [busy(start, at(JUNE_1, "09:30"))]
    assert not slot_is_free(start, rules=rules, closures=(), taken={}, now=SUNDAY_NOON, busy=busy_then)
    assert slot_is_free(start, rules=rules, closures=(), taken={}, now=SUNDAY_NOON)


def test_busy_times_across_the_fall_back_hour_compare_as_instants():
    # 01:00-01:30 EST (the second 01:00) is busy; the slot at 01:00 EDT (the first) is not.
    rules = make_rules(hours(SUNDAY, "00:30", "03:00"), min_notice=timedelta(0))
    now = at(FALL_BACK, "00:00")
    second_one_am = at(FALL_BACK, "01:00", fold=1)
    free = free_slots(
        rules=rules, closures=(), taken={}, now=now, busy=[busy(second_one_am, second_one_am + THIRTY)]
    )
    assert second_one_am.astimezone(UTC) not in instants(free)
    assert at(FALL_BACK, "01:00").astimezone(UTC) in instants(free)


def test_busy_needs_aware_datetimes():
    with pytest.raises(ValueError, match="Busy.start"):
        Busy(start=datetime(2026, 6, 1, 9), end=at(JUNE_1, "10:00"), who="x")
