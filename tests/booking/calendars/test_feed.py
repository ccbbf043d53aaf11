"""A staff member's private feed: what a calendar app subscribed to it reads, how cheaply, and how
the address is replaced or turned off."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from django.core.management import call_command
from django.utils import timezone

from booking import services
from booking.calendars import services as calendar_services
from booking.calendars.feed import feed_url
from booking.calendars.ics import staff_uid
from booking.models import VisitRequest
from booking.slots import slot_value
from tests.booking.conftest import form_data

FEED_PREFIX = "http://testserver/calendar-feed/"


@pytest.fixture
def visit(client, booking_page, care_area):
    start = booking_page.free_slots()[2].start
    assert (
        client.post(booking_page.url, form_data(slot_value(start), note="Left hip hurts")).status_code == 303
    )
    return VisitRequest.objects.get()


@pytest.fixture
def feed(front_desk):
    return calendar_services.calendar_feed_get_or_create(user=front_desk)


def read(client, feed, **headers):
    return client.get(feed_url(feed).removeprefix("http://testserver"), **headers)


def events(response) -> list:
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_the_feed_holds_the_visit_in_clinic_time_with_initials_and_a_link_only(client, feed, visit):
    response = read(client, feed)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    [event] = events(response)
    assert str(event["UID"]) == staff_uid(visit)
    assert str(event["SUMMARY"]) == "Free Discovery Visit – M. G."
    assert event.decoded("DTSTART") == visit.slot_start
    assert str(event["DTSTART"].params["TZID"]) == "America/New_York"
    assert "1 Main Street, Davie, FL 33314" in str(event["LOCATION"])
    assert str(event["URL"]) == f"http://testserver/admin/visit-requests/inspect/{visit.pk}/"
    body = response.content.decode()
    assert "BEGIN:VTIMEZONE" in body
    for private in ("Garcia", "Maria", "maria@example.com", "555", "Hip", "hip hurts"):
        assert private not in body


def test_a_move_keeps_the_uid_and_raises_the_sequence(client, feed, visit, booking_page):
    before = events(read(client, feed))[0]
    services.visit_request_reschedule(visit_request=visit, slot_start=booking_page.free_slots()[5].start)
    after = events(read(client, feed))[0]
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.decoded("DTSTART") != before.decoded("DTSTART")


def test_a_cancellation_stays_in_the_feed_as_cancelled_for_a_month(client, feed, visit):
    services.visit_request_cancel(visit_request=visit)
    [event] = events(read(client, feed))
    assert str(event["STATUS"]) == "CANCELLED"
    VisitRequest.objects.update(cancelled_at=timezone.now() - timedelta(days=31))
    assert events(read(client, feed)) == []


# The feed's own row, its owner's permissions (2), the rate-limit counter (3, and a savepoint
# pair), the site, the clinic's settings and the visits: the same however many visits.
FEED_QUERIES = 11


def test_an_unchanged_feed_answers_304_to_a_conditional_get(
    client, feed, visit, django_assert_max_num_queries
):
    first = read(client, feed)
    with django_assert_max_num_queries(FEED_QUERIES):
        again = read(client, feed, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert read(client, feed, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_the_feeds_query_count_does_not_grow_with_visits(
    client, feed, visit, booking_page, django_assert_max_num_queries
):
    for n, slot in enumerate(booking_page.free_slots()[10:30]):
        # Twenty different patients: one browser sending again for the same one shows their booking.
        contact = {"email": f"p{n}@example.com", "phone": f"(954) 555-01{n:02d}"}
        client.post(booking_page.url, form_data(slot_value(slot.start), **contact))
    client.cookies.clear()
    assert VisitRequest.objects.count() == 21
    read(client, feed)  # the rate limit's first request in a window inserts its counter
    with django_assert_max_num_queries(FEED_QUERIES):
        assert len(events(read(client, feed))) == 21


def test_a_change_to_a_visit_changes_the_etag(client, feed, visit):
    first = read(client, feed)
    services.visit_request_cancel(visit_request=visit)
    assert read(client, feed, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_the_feed_is_private_to_every_cache(client, feed, visit):
    response = read(client, feed)
    assert response["Cache-Control"] == "private, no-cache"
    assert response["X-Robots-Tag"] == "noindex"


def test_the_feed_is_rate_limited_per_address(client, feed, visit, settings):
    settings.CALENDAR_FEED_RATE_LIMIT = "3/h"
    assert [read(client, feed).status_code for _ in range(4)] == [200, 200, 200, 429]
    other = calendar_services.calendar_feed_replace(user=feed.user)
    assert read(client, other).status_code == 200


def test_a_replaced_address_answers_404_at_once(client, feed, visit):
    new = calendar_services.calendar_feed_replace(user=feed.user)
    assert read(client, feed).status_code == 404
    assert read(client, new).status_code == 200


def test_a_turned_off_feed_answers_404(client, feed, visit):
    calendar_services.calendar_feed_revoke(user=feed.user)
    assert read(client, feed).status_code == 404


def test_a_feed_stops_when_its_owner_may_no_longer_see_visits(client, feed, visit):
    feed.user.groups.clear()
    assert read(client, feed).status_code == 404


def test_an_unknown_or_hostile_token_answers_404(client, db):
    assert client.get("/calendar-feed/nothing-here.ics").status_code == 404
    assert client.get("/calendar-feed/%00%27%22.ics").status_code == 404


def test_calendar_feed_url_prints_the_address_and_can_replace_it(front_desk, capsys):
    call_command("calendar_feed_url", "desk")
    first = capsys.readouterr().out.strip()
    assert first.startswith(FEED_PREFIX)
    call_command("calendar_feed_url", "desk")
    assert capsys.readouterr().out.strip() == first
    call_command("calendar_feed_url", "desk", "--webcal", "--replace")
    replaced = capsys.readouterr().out.strip()
    assert replaced.startswith("webcal://testserver/calendar-feed/")
    assert replaced.split("/")[-1] != first.split("/")[-1]


def test_calendar_feed_url_refuses_staff_who_may_not_see_visits(editor):
    with pytest.raises(Exception, match="may not see visits"):
        call_command("calendar_feed_url", "editor")


def test_the_feed_imports_into_a_caldav_calendar_as_a_calendar_app_would(client, feed, visit, owner):
    """What a subscribing app does with the feed: parse it, and store each event."""
    body = read(client, feed).content
    parsed = Calendar.from_ical(body)
    for event in parsed.walk("VEVENT"):
        single = Calendar()
        single.add("prodid", "-//import//EN")
        single.add("version", "2.0")
        for timezone_ in parsed.walk("VTIMEZONE"):
            single.add_component(timezone_)
        single.add_component(event)
        owner.add(single.to_ical().decode())
    stored = owner.event_with_uid(staff_uid(visit)).icalendar_component
    assert stored.decoded("DTSTART") == visit.slot_start
    assert str(stored["SUMMARY"]) == "Free Discovery Visit – M. G."
