"""Busy times from calendar events (booking/calendars/busy.py): pure, at the edges calendars get
wrong: recurrences with exceptions, all-day and multi-day events, the DST weeks in New York,
"free" and cancelled events."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from booking.calendars.busy import busy_intervals

NY = ZoneInfo("America/New_York")
WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def calendar(*events: str) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for event in events:
        lines += ["BEGIN:VEVENT", *(line.strip() for line in event.strip().splitlines()), "END:VEVENT"]
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


def ny(day: date, hh_mm: str, fold: int = 0) -> datetime:
    return datetime.combine(day, time.fromisoformat(hh_mm), tzinfo=NY).replace(fold=fold).astimezone(UTC)


def expand(*texts: str, window=WINDOW, **kwargs) -> list[tuple[datetime, datetime]]:
    return busy_intervals(texts, start=window[0], end=window[1], tz=NY, **kwargs)


WEEKLY_COURSE = calendar(
    """UID:course
    DTSTAMP:20260101T000000Z
    SUMMARY:Course I teach
    DTSTART;TZID=America/New_York:20260105T180000
    DTEND;TZID=America/New_York:20260105T200000
    RRULE:FREQ=WEEKLY;COUNT=6
    EXDATE;TZID=America/New_York:20260119T180000""",
    """UID:course
    DTSTAMP:20260101T000000Z
    RECURRENCE-ID;TZID=America/New_York:20260126T180000
    DTSTART;TZID=America/New_York:20260127T090000
    DTEND;TZID=America/New_York:20260127T100000""",
)


def test_a_weekly_event_blocks_each_week_but_its_exdate():
    starts = [start for start, _ in expand(WEEKLY_COURSE)]
    assert ny(date(2026, 1, 12), "18:00") in starts
    assert ny(date(2026, 1, 19), "18:00") not in starts


def test_a_moved_occurrence_blocks_its_new_time_not_its_old_one():
    found = expand(WEEKLY_COURSE)
    assert (ny(date(2026, 1, 27), "09:00"), ny(date(2026, 1, 27), "10:00")) in found
    assert ny(date(2026, 1, 26), "18:00") not in [start for start, _ in found]


def test_a_weekly_event_has_its_count_of_occurrences_less_the_exdate():
    assert len(expand(WEEKLY_COURSE)) == 5


def test_a_weekly_event_keeps_its_wall_clock_time_across_the_march_change():
    # 9:00 EST before 8 March 2026, 9:00 EDT after: the UTC hour moves, the wall clock does not.
    weekly = calendar(
        """UID:standup
        DTSTAMP:20260101T000000Z
        DTSTART;TZID=America/New_York:20260302T090000
        DTEND;TZID=America/New_York:20260302T093000
        RRULE:FREQ=WEEKLY;COUNT=2"""
    )
    found = expand(weekly)
    assert found == [
        (datetime(2026, 3, 2, 14, 0, tzinfo=UTC), datetime(2026, 3, 2, 14, 30, tzinfo=UTC)),
        (datetime(2026, 3, 9, 13, 0, tzinfo=UTC), datetime(2026, 3, 9, 13, 30, tzinfo=UTC)),
    ]


def test_an_event_across_the_march_change_lasts_one_hour_less_on_the_clock():
    # 01:00-04:00 on 8 March 2026 is two real hours: 02:00-03:00 does not exist.
    night = calendar(
        """UID:night
        DTSTAMP:20260101T000000Z
        DTSTART;TZID=America/New_York:20260308T010000
        DTEND;TZID=America/New_York:20260308T040000"""
    )
    [(start, end)] = expand(night)
    assert end - start == timedelta(hours=2)


def test_an_event_across_the_november_change_lasts_one_hour_more_on_the_clock():
    # 00:30-02:30 on 1 November 2026 is three real hours: 01:00-02:00 happens twice.
    night = calendar(
        """UID:night
        DTSTAMP:20260101T000000Z
        DTSTART;TZID=America/New_York:20261101T003000
        DTEND;TZID=America/New_York:20261101T023000"""
    )
    [(start, end)] = expand(night)
    assert (start, end) == (
        datetime(2026, 11, 1, 4, 30, tzinfo=UTC),
        datetime(2026, 11, 1, 7, 30, tzinfo=UTC),
    )


def test_a_daily_event_in_the_november_week_stays_at_its_clock_time():
    daily = calendar(
        """UID:run
        DTSTAMP:20260101T000000Z
        DTSTART;TZID=America/New_York:20261030T070000
        DTEND;TZID=America/New_York:20261030T080000
        RRULE:FREQ=DAILY;COUNT=4"""
    )
    starts = [start.astimezone(NY).strftime("%d %H:%M %Z") for start, _ in expand(daily)]
    assert starts == ["30 07:00 EDT", "31 07:00 EDT", "01 07:00 EST", "02 07:00 EST"]


def test_an_all_day_event_blocks_the_clinic_day_from_midnight_to_midnight():
    race = calendar(
        """UID:race
        DTSTAMP:20260101T000000Z
        SUMMARY:Marathon
        DTSTART;VALUE=DATE:20260607
        DTEND;VALUE=DATE:20260608"""
    )
    assert expand(race) == [(ny(date(2026, 6, 7), "00:00"), ny(date(2026, 6, 8), "00:00"))]


def test_an_all_day_event_on_the_march_change_is_23_hours_long():
    day = calendar(
        """UID:day
        DTSTAMP:20260101T000000Z
        DTSTART;VALUE=DATE:20260308"""
    )
    [(start, end)] = expand(day)
    assert end - start == timedelta(hours=23)


def test_a_multi_day_event_blocks_every_day_it_spans():
    trip = calendar(
        """UID:trip
        DTSTAMP:20260101T000000Z
        DTSTART;TZID=America/New_York:20260610T150000
        DTEND;TZID=America/New_York:20260613T110000"""
    )
    assert expand(trip) == [(ny(date(2026, 6, 10), "15:00"), ny(date(2026, 6, 13), "11:00"))]


def test_a_recurring_event_that_started_before_the_window_still_blocks_inside_it():
    weekly = calendar(
        """UID:old
        DTSTAMP:20200101T000000Z
        DTSTART;TZID=America/New_York:20200106T120000
        DTEND;TZID=America/New_York:20200106T130000
        RRULE:FREQ=WEEKLY;BYDAY=MO"""
    )
    window = (ny(date(2026, 6, 1), "00:00"), ny(date(2026, 6, 8), "00:00"))
    assert expand(weekly, window=window) == [(ny(date(2026, 6, 1), "12:00"), ny(date(2026, 6, 1), "13:00"))]


def test_free_and_cancelled_events_do_not_block():
    text = calendar(
        """UID:free
        DTSTAMP:20260101T000000Z
        TRANSP:TRANSPARENT
        DTSTART;TZID=America/New_York:20260601T090000
        DTEND;TZID=America/New_York:20260601T100000""",
        """UID:off
        DTSTAMP:20260101T000000Z
        STATUS:CANCELLED
        DTSTART;TZID=America/New_York:20260602T090000
        DTEND;TZID=America/New_York:20260602T100000""",
    )
    assert expand(text) == []


def test_one_cancelled_occurrence_of_a_series_does_not_block():
    text = calendar(
        """UID:series
        DTSTAMP:20260101T000000Z
        DTSTART;TZID=America/New_York:20260601T090000
        DTEND;TZID=America/New_York:20260601T100000
        RRULE:FREQ=DAILY;COUNT=3""",
        """UID:series
        DTSTAMP:20260101T000000Z
        RECURRENCE-ID;TZID=America/New_York:20260602T090000
        STATUS:CANCELLED
        DTSTART;TZID=America/New_York:20260602T090000
        DTEND;TZID=America/New_York:20260602T100000""",
    )
    assert [start.astimezone(NY).day for start, _ in expand(text)] == [1, 3]


def test_floating_times_are_clinic_time_and_utc_times_stay_utc():
    text = calendar(
        """UID:floating
        DTSTAMP:20260101T000000Z
        DTSTART:20260601T090000
        DTEND:20260601T100000""",
        """UID:utc
        DTSTAMP:20260101T000000Z
        DTSTART:20260602T130000Z
        DTEND:20260602T140000Z""",
    )
    assert expand(text) == [
        (ny(date(2026, 6, 1), "09:00"), ny(date(2026, 6, 1), "10:00")),
        (datetime(2026, 6, 2, 13, tzinfo=UTC), datetime(2026, 6, 2, 14, tzinfo=UTC)),
    ]


def test_an_event_with_a_duration_instead_of_an_end_blocks_that_long():
    text = calendar(
        """UID:duration
        DTSTAMP:20260101T000000Z
        DTSTART;TZID=America/New_York:20260601T090000
        DURATION:PT90M"""
    )
    assert expand(text) == [(ny(date(2026, 6, 1), "09:00"), ny(date(2026, 6, 1), "10:30"))]


def test_the_clinics_own_events_are_skipped():
    text = calendar(
        """UID:abc@staff.discovery-visit
        DTSTAMP:20260101T000000Z
        DTSTART;TZID=America/New_York:20260601T090000
        DTEND;TZID=America/New_York:20260601T093000"""
    )
    assert expand(text, skip_uid=lambda uid: uid.endswith("@staff.discovery-visit")) == []


def test_an_unreadable_object_is_skipped_and_the_others_still_count():
    good = calendar(
        """UID:good
        DTSTAMP:20260101T000000Z
        DTSTART;TZID=America/New_York:20260601T090000
        DTEND;TZID=America/New_York:20260601T093000"""
    )
    assert len(expand("BEGIN:VCALENDAR\r\nthis is not a calendar", good)) == 1
