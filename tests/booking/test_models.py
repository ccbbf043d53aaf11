"""Availability on the booking page: weekly hours, closures, capacity, and the demo page."""

import io
from datetime import date, time, timedelta

import pytest

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from wagtail.models import Site

from booking.models import BookingSettings, Closure, DiscoveryVisitPage, WeeklyHours
from clinic.models import ClinicSettings
from tests.admin_forms import form_data


def test_closure_ending_before_it_starts_is_refused_with_a_message(booking_page):
    closure = Closure(page=booking_page, start_date=date(2026, 12, 24), end_date=date(2026, 12, 20))
    with pytest.raises(ValidationError) as error:
        closure.clean()
    assert "end on or after" in str(error.value)


def test_weekly_hours_must_end_after_they_start(booking_page):
    with pytest.raises(ValidationError):
        WeeklyHours(page=booking_page, weekday=0, start=time(12), end=time(9)).clean()


def test_closures_remove_their_days_from_the_free_slots(booking_page):
    first = booking_page.free_slots()[0].start.date()
    Closure.objects.create(
        page=booking_page, start_date=first, end_date=first + timedelta(days=1), reason="Course"
    )
    days = {slot.start.date() for slot in booking_page.free_slots()}
    assert first not in days
    assert first + timedelta(days=1) not in days
    assert first + timedelta(days=2) in days


def test_rules_come_from_the_page_fields(booking_page):
    booking_page.visit_length_minutes, booking_page.buffer_minutes, booking_page.capacity = 45, 15, 2
    rules = booking_page.rules()
    assert rules.visit_length == timedelta(minutes=45)
    assert rules.buffer == timedelta(minutes=15)
    assert rules.capacity == 2
    assert str(rules.tz) == "America/New_York"
    slots = booking_page.free_slots()
    assert all(slot.remaining == 2 for slot in slots)
    same_day = next(
        (a, b) for a, b in zip(slots, slots[1:], strict=False) if a.start.date() == b.start.date()
    )
    assert same_day[1].start - same_day[0].start == timedelta(hours=1)  # 45 minutes + 15 buffer


def test_free_slots_respect_minimum_notice_and_horizon(booking_page):
    now = timezone.now()
    slots = booking_page.free_slots(now=now)
    assert slots[0].start >= now + timedelta(hours=12)
    assert slots[-1].start <= now + timedelta(days=30)


def test_demo_loader_creates_the_booking_page_once_and_links_it(demo_site):
    page = DiscoveryVisitPage.objects.get(locale__language_code="en")
    assert page.url == "/book/"
    assert page.live
    assert page.weekly_hours.count() == 11
    # Every day the demo clinic opens (weekdays and Saturday morning) has times to book.
    assert {h.weekday for h in page.weekly_hours.all()} == {0, 1, 2, 3, 4, 5}
    assert ClinicSettings.for_site(demo_site).appointment_page_id == page.pk
    closure = page.closures.get()
    assert (closure.start_date.month, closure.start_date.day, closure.reason) == (12, 24, "Holidays")
    call_command("load_demo_content", stdout=io.StringIO())
    # The English page and its Spanish translation (which keeps no hours: one schedule).
    assert DiscoveryVisitPage.objects.count() == 2
    assert page.weekly_hours.count() == 11
    assert DiscoveryVisitPage.objects.exclude(pk=page.pk).get().weekly_hours.count() == 0


def test_demo_booking_page_renders_free_weekday_slots(client, demo_site):
    html = client.get("/book/").content.decode()
    assert 'name="slot"' in html
    assert "Free, 30 minutes, no obligation." in html
    assert 'href="/privacy/"' in html


def test_editor_can_change_availability_in_the_page_editor(admin_client, booking_page):
    url = f"/admin/pages/{booking_page.pk}/edit/"
    data = form_data(admin_client, url, form_id="page-edit-form")
    data.update(
        {
            "closures-TOTAL_FORMS": "1",
            "closures-INITIAL_FORMS": "0",
            "closures-MIN_NUM_FORMS": "0",
            "closures-MAX_NUM_FORMS": "1000",
            "closures-0-start_date": "2026-12-24",
            "closures-0-end_date": "2026-12-20",
            "closures-0-reason": "Holidays",
            "closures-0-ORDER": "1",
            "closures-0-id": "",
            "closures-0-DELETE": "",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200  # refused
    assert "A closure must end on or after its first day." in response.content.decode()
    data["closures-0-end_date"] = "2026-12-26"
    data["action-publish"] = "action-publish"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    assert booking_page.closures.get().reason == "Holidays"


def test_editors_can_preview_the_booking_page_draft(admin_client, booking_page):
    response = admin_client.get(f"/admin/pages/{booking_page.pk}/view_draft/")
    assert response.status_code == 200
    assert 'name="slot"' in response.content.decode()


def test_booking_settings_refuse_a_recipient_that_is_not_an_email(booking_page):
    booking = BookingSettings.for_site(Site.objects.get(is_default_site=True))
    booking.staff_recipients = "front-desk@example.com\nnot-an-email"
    with pytest.raises(ValidationError) as error:
        booking.full_clean()
    assert "not-an-email" in str(error.value)


def test_staff_recipient_list_skips_blank_lines(booking_page):
    booking = BookingSettings.for_site(Site.objects.get(is_default_site=True))
    booking.staff_recipients = " a@example.com \n\n b@example.com\n"
    assert booking.staff_recipient_list() == ["a@example.com", "b@example.com"]


def test_demo_loader_sends_staff_notices_to_the_front_desk_and_keeps_staff_edits(demo_site):
    booking = BookingSettings.for_site(demo_site)
    assert booking.staff_recipient_list() == ["front-desk@example.com"]
    BookingSettings.objects.filter(pk=booking.pk).update(staff_recipients="")
    call_command("load_demo_content", stdout=io.StringIO())
    assert BookingSettings.for_site(demo_site).staff_recipients == ""
