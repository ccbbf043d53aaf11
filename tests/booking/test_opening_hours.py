"""Bookable hours against the clinic's opening hours: where they disagree, in words for staff."""

from datetime import time

from booking.opening_hours import Hours, disagreements

WEEKDAYS_7_TO_7 = [Hours(day, time(7), time(19)) for day in range(5)]
SATURDAY_MORNING = Hours(5, time(8), time(12))


def kinds(found):
    return [(d.weekday, d.kind) for d in found]


def test_bookable_hours_inside_opening_hours_agree():
    bookable = [Hours(day, time(9), time(12)) for day in range(5)] + [Hours(5, time(8), time(12))]
    assert disagreements(opening=[*WEEKDAYS_7_TO_7, SATURDAY_MORNING], bookable=bookable) == []


def test_an_open_day_with_nothing_bookable_is_named():
    found = disagreements(
        opening=[*WEEKDAYS_7_TO_7, SATURDAY_MORNING], bookable=[Hours(0, time(9), time(12))]
    )
    assert (5, "open_but_not_bookable") in kinds(found)
    saturday = next(d for d in found if d.weekday == 5)
    assert saturday.message == (
        "The opening hours patients see say the clinic is open on Saturday (8:00 AM–12:00 PM), "
        "but no visits can be booked on Saturday."
    )


def test_bookable_on_a_closed_day_is_named():
    found = disagreements(opening=WEEKDAYS_7_TO_7, bookable=[Hours(6, time(10), time(12))])
    assert kinds(found)[-1] == (6, "bookable_while_closed")
    assert "say the clinic is closed on Sunday" in found[-1].message


def test_bookable_hours_past_closing_time_are_named_with_the_part_outside():
    found = disagreements(opening=[Hours(0, time(7), time(17))], bookable=[Hours(0, time(16), time(19))])
    assert kinds(found) == [(0, "bookable_while_closed")]
    assert (
        "Monday 5:00 PM–7:00 PM, outside the opening hours patients see (7:00 AM–5:00 PM)" in found[0].message
    )


def test_a_lunch_break_in_the_opening_hours_is_respected():
    opening = [Hours(2, time(8), time(12)), Hours(2, time(13), time(18))]
    found = disagreements(opening=opening, bookable=[Hours(2, time(9), time(17))])
    assert len(found) == 1
    assert "Wednesday 12:00 PM–1:00 PM" in found[0].message


def test_touching_or_overlapping_ranges_count_as_one():
    opening = [Hours(0, time(8), time(12)), Hours(0, time(12), time(18))]
    bookable = [Hours(0, time(9), time(14)), Hours(0, time(13), time(17))]
    assert disagreements(opening=opening, bookable=bookable) == []


def test_reversed_or_empty_ranges_offer_nothing():
    assert disagreements(opening=[], bookable=[Hours(0, time(12), time(9))]) == []
