"""The notice window: inside it the manage link still shows the visit and the clinic's phone, but
the server refuses the patient's move and cancel (GET and POST); staff can change anything. The
clock is controlled (time-machine) to one minute either side of the window's edge."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Site

from booking import errors, services
from booking.emails import build_message, manage_url
from booking.models import BookingSettings, Notification, SlotSeat, VisitRequest
from booking.notice import within_notice_window
from booking.services import Patient
from booking.slots import slot_value
from tests.admin_forms import form_data as form_data_of

HOURS = 24


# The rule itself


@pytest.mark.parametrize(
    ("before_visit", "inside"),
    [
        (timedelta(hours=24, minutes=1), False),
        (timedelta(hours=24), False),
        (timedelta(hours=23, minutes=59), True),
        (timedelta(minutes=1), True),
        (-timedelta(minutes=5), True),
    ],
)
def test_the_window_starts_exactly_the_notice_before_the_visit(before_visit, inside):
    start = datetime(2026, 3, 10, 15, 0).astimezone()
    assert within_notice_window(start, now=start - before_visit, hours=24) is inside


def test_the_window_counts_hours_that_pass_across_a_dst_change():
    # Sunday 8 March 2026, 10:00 in Davie, the morning the clocks went forward: 24 hours before
    # is Saturday 09:00 on the wall clock (the night was an hour short), not 10:00.
    clinic = ZoneInfo("America/New_York")
    start = datetime(2026, 3, 8, 10, 0, tzinfo=clinic)
    assert within_notice_window(start, now=datetime(2026, 3, 7, 8, 59, tzinfo=clinic), hours=24) is False
    assert within_notice_window(start, now=datetime(2026, 3, 7, 9, 1, tzinfo=clinic), hours=24) is True


def test_no_window_when_the_notice_is_zero():
    start = datetime(2026, 3, 10, 15, 0).astimezone()
    assert within_notice_window(start, now=start - timedelta(minutes=1), hours=0) is False


def test_a_request_without_a_time_is_never_inside_the_window():
    assert within_notice_window(None, now=timezone.now(), hours=24) is False


# The manage pages, with the clock one minute either side of the edge


@pytest.fixture
def notice(booking_page):
    settings = BookingSettings.objects.get()
    settings.change_notice_hours = HOURS
    settings.save()
    return settings


@pytest.fixture
def visit(booking_page, care_area, notice):
    """Maria's visit, two days or more ahead, booked through the service."""
    now = timezone.now()
    start = next(s.start for s in booking_page.free_slots() if s.start > now + timedelta(days=2))
    return services.visit_request_create(
        page=booking_page,
        patient=Patient(
            first_name="Maria", last_name="Garcia", email="maria@example.com", phone="+19545550123"
        ),
        slot_start=start,
    )


def path_of(visit):
    return manage_url(visit).replace("http://localhost", "")


def at(visit, *, outside: bool):
    """The clock one minute outside (before) or inside the window that starts 24 h before the visit."""
    edge = visit.slot_start - timedelta(hours=HOURS)
    minute = timedelta(minutes=1)
    return time_machine.travel(edge - minute if outside else edge + minute, tick=False)


def later_slot(booking_page, visit):
    """A free time the visit could move to, seen from the travelled clock."""
    return next(s.start for s in booking_page.free_slots() if s.start > visit.slot_start)


def test_inside_the_window_the_page_shows_the_visit_and_the_phone_but_no_move_or_cancel(client, visit):
    with at(visit, outside=False):
        response = client.get(path_of(visit), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Maria Garcia" in html
    assert "less than 24 hours away, so it can no longer be moved or cancelled online" in html
    assert 'href="tel:+19545195404"' in html
    assert 'name="slot"' not in html
    assert "Cancel my visit" not in html


def test_outside_the_window_the_page_offers_move_and_cancel_and_says_until_when(client, visit):
    with at(visit, outside=True):
        html = client.get(path_of(visit), follow=True).content.decode()
    assert 'name="slot"' in html
    assert "Cancel my visit" in html
    assert "You can move or cancel online until 24 hours before your visit" in html


def test_a_move_posted_one_minute_inside_the_window_is_refused_on_the_server(client, visit, booking_page):
    with at(visit, outside=False):
        target = later_slot(booking_page, visit)
        response = client.post(path_of(visit), {"action": "move", "slot": slot_value(target)}, follow=True)
    html = response.content.decode()
    assert response.status_code == 403
    assert "Your visit was not changed" in html
    assert 'href="tel:+19545195404"' in html
    visit_after = VisitRequest.objects.get()
    assert visit_after.slot_start == visit.slot_start
    assert SlotSeat.objects.get().slot_start == visit.slot_start


def test_a_move_posted_one_minute_before_the_window_goes_through(client, visit, booking_page):
    with at(visit, outside=True):
        target = later_slot(booking_page, visit)
        response = client.post(path_of(visit), {"action": "move", "slot": slot_value(target)}, follow=True)
    assert "Your visit has a new time" in response.content.decode()
    assert VisitRequest.objects.get().slot_start == target


def test_the_cancel_page_inside_the_window_asks_to_call_and_offers_no_button(client, visit):
    with at(visit, outside=False):
        client.get(path_of(visit))
        html = client.get("/book/manage/cancel/").content.decode()
    assert "is still booked" in html
    assert 'href="tel:+19545195404"' in html
    assert "Yes, cancel my visit" not in html


def test_a_cancel_posted_one_minute_inside_the_window_is_refused_on_the_server(client, visit):
    with at(visit, outside=False):
        client.get(path_of(visit))
        response = client.post("/book/manage/cancel/")
    assert response.status_code == 403
    assert "Your visit was not changed" in response.content.decode()
    assert VisitRequest.objects.get().status == VisitRequest.Status.NEW
    assert SlotSeat.objects.exists()
    assert mail.outbox == []


def test_a_cancel_posted_one_minute_before_the_window_goes_through(client, visit):
    with at(visit, outside=True):
        client.get(path_of(visit))
        response = client.post("/book/manage/cancel/", follow=True)
    assert "Your visit is cancelled" in response.content.decode()
    assert VisitRequest.objects.get().status == VisitRequest.Status.CANCELLED


def test_the_service_refuses_the_patient_when_the_window_began_after_the_page_was_shown(visit):
    inside = visit.slot_start - timedelta(hours=HOURS) + timedelta(minutes=1)
    with pytest.raises(errors.InsideNoticeWindow):
        services.visit_request_cancel(visit_request=visit, now=inside)
    with pytest.raises(errors.InsideNoticeWindow):
        services.visit_request_reschedule(
            visit_request=visit, slot_start=visit.slot_start + timedelta(days=1), now=inside
        )
    assert VisitRequest.objects.get().status == VisitRequest.Status.NEW


def test_staff_can_still_move_and_cancel_inside_the_window(visit, booking_page):
    with at(visit, outside=False):
        target = later_slot(booking_page, visit)
        moved = services.visit_request_update(visit_request=visit, status="confirmed", slot_start=target)
        assert moved.slot_start == target
        cancelled = services.visit_request_update(visit_request=moved, status="cancelled")
    assert cancelled.status == VisitRequest.Status.CANCELLED
    assert not SlotSeat.objects.exists()


def test_with_no_window_a_patient_can_cancel_a_minute_before_the_visit(client, visit, notice):
    notice.change_notice_hours = 0
    notice.save()
    with time_machine.travel(visit.slot_start - timedelta(minutes=1), tick=False):
        client.get(path_of(visit))
        client.post("/book/manage/cancel/")
    assert VisitRequest.objects.get().status == VisitRequest.Status.CANCELLED


# The setting


def test_a_superuser_sets_the_notice_in_booking_settings_with_its_help_text(admin_client, booking_page):
    url = reverse("wagtailsettings:edit", args=["booking", "bookingsettings", Site.objects.get().pk])
    assert "0 lets them change up to the visit itself" in admin_client.get(url).content.decode()
    data = form_data_of(admin_client, url)
    data["change_notice_hours"] = "48"
    assert admin_client.post(url, data).status_code == 302
    assert BookingSettings.objects.get().change_notice_hours == 48


def test_a_negative_notice_or_one_over_two_weeks_is_refused(admin_client, booking_page):
    url = reverse("wagtailsettings:edit", args=["booking", "bookingsettings", Site.objects.get().pk])
    data = form_data_of(admin_client, url)
    data["change_notice_hours"] = "-1"
    assert admin_client.post(url, data).status_code == 200
    data["change_notice_hours"] = str(24 * 14 + 1)
    assert admin_client.post(url, data).status_code == 200
    assert BookingSettings.objects.get().change_notice_hours == 0


def test_a_new_clinics_notice_is_24_hours(db):
    assert BookingSettings(site=Site.objects.get()).change_notice_hours == 24


# The emails say so


@pytest.mark.parametrize("kind", [Notification.Kind.CONFIRMATION, Notification.Kind.REMINDER])
def test_confirmation_and_reminder_state_the_policy_with_the_phone(visit, kind):
    message = build_message(Notification.objects.create(visit_request=visit, kind=kind))
    expected = "You can move or cancel your visit online until 24 hours before it. After that, please call us"
    assert expected in message.body
    assert expected in message.alternatives[0][0]
    assert 'href="tel:+19545195404"' in message.alternatives[0][0]
    assert "24 hours" not in message.subject


def test_the_emails_say_nothing_of_a_window_the_clinic_does_not_have(visit, notice):
    notice.change_notice_hours = 0
    notice.save()
    message = build_message(Notification.objects.create(visit_request=visit, kind="confirmation"))
    assert "move or cancel your visit online until" not in message.body


def test_the_cancellation_email_does_not_mention_the_window(visit):
    message = build_message(Notification.objects.create(visit_request=visit, kind="cancelled"))
    assert "online until" not in message.body
