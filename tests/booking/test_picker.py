"""The day-first picker as a pure function: which day is open, and its times by part of the day."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from booking.picker import DAYS_PER_PAGE, build_picker, parse_day, parts_of_day
from booking.slots import Slot, slot_value

TZ = ZoneInfo("America/New_York")


def slot(day: date, hour: int, minute: int = 0) -> Slot:
    start = datetime.combine(day, time(hour, minute), tzinfo=TZ)
    return Slot(start=start, end=start + timedelta(minutes=30), remaining=1)


MON = date(2026, 12, 7)
TUE = date(2026, 12, 8)
WED = date(2026, 12, 9)
FREE = [
    slot(MON, 9),
    slot(MON, 11, 30),
    slot(MON, 12),
    slot(MON, 16, 30),
    slot(MON, 17),
    slot(TUE, 14),
    slot(WED, 8),
]


def names(parts):
    return [part.name for part in parts]


def test_times_split_at_noon_and_five_into_morning_afternoon_and_evening():
    parts = parts_of_day([s for s in FREE if s.start.date() == MON])
    assert [[c.slot.start.time() for c in part.choices] for part in parts] == [
        [time(9), time(11, 30)],
        [time(12), time(16, 30)],
        [time(17)],
    ]
    assert names(parts) == ["Morning", "Afternoon", "Evening"]


def test_parts_of_the_day_without_times_are_left_out():
    assert names(parts_of_day([slot(TUE, 14)])) == ["Afternoon"]


def test_each_time_carries_its_slot_value_for_the_radio_group():
    choice = parts_of_day([slot(TUE, 14)])[0].choices[0]
    assert choice.value == "2026-12-08T14:00:00-05:00"


def test_the_first_day_with_free_times_is_open_by_default():
    picker = build_picker(FREE, tz=TZ)
    assert picker.open_day == MON


def test_days_are_listed_in_order_with_how_many_times_each_has():
    picker = build_picker(FREE, tz=TZ)
    assert [(d.day, d.times) for d in picker.days] == [(MON, 5), (TUE, 1), (WED, 1)]


def test_a_requested_day_with_free_times_is_open():
    picker = build_picker(FREE, tz=TZ, requested_day=TUE)
    assert picker.open_day == TUE
    assert [c.slot.start for p in picker.parts for c in p.choices] == [slot(TUE, 14).start]


def test_a_requested_day_without_free_times_falls_back_to_the_first_day():
    picker = build_picker(FREE, tz=TZ, requested_day=date(2026, 12, 12))
    assert picker.open_day == MON


def test_the_chosen_times_day_is_open_and_the_time_chosen():
    value = slot_value(slot(WED, 8).start)
    picker = build_picker(FREE, tz=TZ, requested_day=TUE, chosen_value=value)
    assert picker.open_day == WED
    assert picker.chosen.value == value


def test_a_chosen_time_just_taken_keeps_its_day_open_with_nothing_chosen():
    taken = slot_value(slot(MON, 10).start)
    picker = build_picker(FREE, tz=TZ, chosen_value=taken)
    assert picker.open_day == MON
    assert picker.chosen is None


def test_a_chosen_time_in_another_offset_opens_its_local_day():
    # 01:00 UTC on Tuesday is still Monday evening in New York.
    picker = build_picker(FREE, tz=TZ, chosen_value="2026-12-08T01:00:00+00:00")
    assert picker.open_day == MON


def test_garbage_chosen_values_are_ignored():
    for value in ["none", "", "<script>", "9999-12-31T23:59:59-23:59"]:
        assert build_picker(FREE, tz=TZ, chosen_value=value).open_day == MON


def test_no_free_times_gives_an_empty_picker():
    picker = build_picker([], tz=TZ, requested_day=MON)
    assert picker.open_day is None
    assert picker.parts == ()


def test_days_before_a_race_are_marked():
    picker = build_picker(FREE, tz=TZ, race_date=WED)
    assert [d.before_race for d in picker.days] == [True, True, False]


MANY = [slot(MON + timedelta(days=n), 9) for n in range(DAYS_PER_PAGE * 2 + 3)]


def test_days_are_shown_a_page_at_a_time_with_a_link_to_later_dates():
    picker = build_picker(MANY, tz=TZ)
    assert [d.day for d in picker.days_shown] == [s.start.date() for s in MANY[:DAYS_PER_PAGE]]
    assert picker.earlier is None
    assert picker.later == MANY[DAYS_PER_PAGE].start.date()


def test_the_page_of_days_is_the_one_holding_the_open_day():
    open_day = MANY[DAYS_PER_PAGE + 2].start.date()
    picker = build_picker(MANY, tz=TZ, requested_day=open_day)
    assert picker.days_shown[0].day == MANY[DAYS_PER_PAGE].start.date()
    assert picker.earlier == MON
    assert picker.later == MANY[DAYS_PER_PAGE * 2].start.date()


def test_the_last_page_of_days_has_no_later_dates():
    picker = build_picker(MANY, tz=TZ, requested_day=MANY[-1].start.date())
    assert len(picker.days_shown) == 3
    assert picker.later is None


def test_a_day_parameter_must_be_an_iso_date():
    assert parse_day("2026-12-08") == TUE
    for value in [None, "", "2026-13-01", "tomorrow", "2026-12-08T09:00", "x" * 1000, ["2026-12-08"]]:
        assert parse_day(value) is None
