"""Bookable hours against the clinic's opening hours: visits are offered only where both say so,
and where they disagree is said in words for staff."""

from datetime import time

from booking.opening_hours import bookable_within, disagreements, opening_hours_of
from booking.slots import WeeklyHours

WEEKDAYS_7_TO_7 = [WeeklyHours(day, time(7), time(19)) for day in range(5)]
SATURDAY_MORNING = WeeklyHours(5, time(8), time(12))


def kinds(found):
    return [(d.weekday, d.kind) for d in found]


def test_bookable_hours_inside_opening_hours_agree():
    bookable = [WeeklyHours(day, time(9), time(12)) for day in range(5)] + [WeeklyHours(5, time(8), time(12))]
    assert disagreements(opening=[*WEEKDAYS_7_TO_7, SATURDAY_MORNING], bookable=bookable) == []


def test_an_open_day_with_nothing_bookable_is_named():
    found = disagreements(
        opening=[*WEEKDAYS_7_TO_7, SATURDAY_MORNING], bookable=[WeeklyHours(0, time(9), time(12))]
    )
    assert (5, "open_but_not_bookable") in kinds(found)
    saturday = next(d for d in found if d.weekday == 5)
    assert saturday.message == (
        "The opening hours patients see say the clinic is open on Saturday (8:00 AM–12:00 PM), "
        "but no visits can be booked on Saturday."
    )


def test_bookable_on_a_closed_day_is_named_as_not_offered():
    found = disagreements(opening=WEEKDAYS_7_TO_7, bookable=[WeeklyHours(6, time(10), time(12))])
    assert kinds(found)[-1] == (6, "bookable_while_closed")
    assert found[-1].message == (
        "Sunday 10:00 AM–12:00 PM is in the booking page's weekly hours, but the opening hours patients "
        "see say the clinic is closed on Sunday: no visits are offered then."
    )


def test_bookable_hours_past_closing_time_are_named_with_the_part_outside():
    found = disagreements(
        opening=[WeeklyHours(0, time(7), time(17))], bookable=[WeeklyHours(0, time(16), time(19))]
    )
    assert kinds(found) == [(0, "bookable_while_closed")]
    assert found[0].message == (
        "Monday 5:00 PM–7:00 PM is in the booking page's weekly hours, outside the opening hours "
        "patients see (7:00 AM–5:00 PM): no visits are offered then."
    )


def test_a_lunch_break_in_the_opening_hours_is_respected():
    opening = [WeeklyHours(2, time(8), time(12)), WeeklyHours(2, time(13), time(18))]
    found = disagreements(opening=opening, bookable=[WeeklyHours(2, time(9), time(17))])
    assert len(found) == 1
    assert "Wednesday 12:00 PM–1:00 PM" in found[0].message


def test_touching_or_overlapping_ranges_count_as_one():
    opening = [WeeklyHours(0, time(8), time(12)), WeeklyHours(0, time(12), time(18))]
    bookable = [WeeklyHours(0, time(9), time(14)), WeeklyHours(0, time(13), time(17))]
    assert disagreements(opening=opening, bookable=bookable) == []


def test_reversed_or_empty_ranges_offer_nothing():
    found = disagreements(opening=WEEKDAYS_7_TO_7, bookable=[WeeklyHours(6, time(12), time(9))])
    assert {kind for _, kind in kinds(found)} == {"open_but_not_bookable"}
    assert bookable_within([WeeklyHours(0, time(12), time(9))], WEEKDAYS_7_TO_7) == []


def test_a_clinic_that_shows_no_opening_hours_contradicts_nothing():
    bookable = [WeeklyHours(6, time(10), time(12))]
    assert disagreements(opening=[], bookable=bookable) == []
    assert bookable_within(bookable, []) == bookable


def test_bookable_hours_are_clipped_to_the_opening_hours():
    # The case: Saturday closes at 11:00 in the footer, visits were bookable until 12:00.
    opening = [*WEEKDAYS_7_TO_7, WeeklyHours(5, time(9), time(11))]
    bookable = [WeeklyHours(day, time(9), time(12)) for day in (0, 5, 6)]
    assert bookable_within(bookable, opening) == [
        WeeklyHours(0, time(9), time(12)),
        WeeklyHours(5, time(9), time(11)),
    ]


def test_a_lunch_break_splits_the_bookable_hours():
    opening = [WeeklyHours(2, time(8), time(12)), WeeklyHours(2, time(13), time(18))]
    assert bookable_within([WeeklyHours(2, time(9), time(17))], opening) == [
        WeeklyHours(2, time(9), time(12)),
        WeeklyHours(2, time(13), time(17)),
    ]


def test_opening_hours_of_the_clinic_settings_blocks():
    blocks = [
        {"days": ["mon", "fri"], "opens": time(8), "closes": time(18)},
        {"days": ["sat"], "opens": time(9), "closes": None},  # still being filled in
        {"days": [], "opens": time(9), "closes": time(11)},
    ]
    assert opening_hours_of(blocks) == [WeeklyHours(0, time(8), time(18)), WeeklyHours(4, time(8), time(18))]
