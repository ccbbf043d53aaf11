"""The emails about a visit: sent after commit by tasks, in the clinic's time, without health data."""

import socket
import time
from datetime import timedelta

import icalendar
import pytest

from django.core import mail
from django.utils import timezone

from booking import services
from booking.admin.columns import notification_summary
from booking.formatting import visit_time
from booking.models import Notification, VisitRequest
from booking.slots import slot_value
from booking.tasks import retry_due_notifications, send_notification
from tests.booking.conftest import form_data
from tests.factories import StandardPageFactory


@pytest.fixture
def booked(client, booking_page, care_area, django_capture_on_commit_callbacks):
    slot = booking_page.free_slots()[0]
    data = form_data(slot_value(slot.start), note="Sharp pain in my left hip when running", race_date="")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/book/", data).status_code == 303
    return VisitRequest.objects.get(), slot


def patient_email():
    return next(m for m in mail.outbox if m.to == ["maria@example.com"])


def staff_email():
    return next(m for m in mail.outbox if m.to == ["front-desk@example.com"])


def test_no_email_is_sent_before_the_booking_commits(client, booking_page, care_area):
    # Inside the test's transaction nothing commits, so no on_commit callback runs.
    client.post("/book/", form_data(slot_value(booking_page.free_slots()[0].start)))
    assert VisitRequest.objects.count() == 1
    assert mail.outbox == []
    assert set(Notification.objects.values_list("status", flat=True)) == {"queued"}


def test_patient_confirmation_has_time_in_clinic_zone_details_and_manage_link(booked):
    visit, slot = booked
    message = patient_email()
    local = slot.start
    clock = f"{local.hour % 12 or 12}:{local:%M} {local:%p} ET"
    assert message.subject.startswith("Your Free Discovery Visit with Test Clinic – ")
    assert message.subject.endswith(clock)
    assert clock in message.body
    assert "(954) 519-5404" in message.body
    assert "1 Main Street" in message.body
    assert "http://testserver/book/manage/" in message.body
    html = message.alternatives[0][0]
    assert clock in html
    assert "/book/manage/" in html
    assert str(visit.public_id) not in message.body  # the link carries a signed token only
    assert "maria@example.com" not in message.body.split("manage/")[1]


def test_confirmation_text_links_work_in_the_email(
    client, booking_page, care_area, home, django_capture_on_commit_callbacks
):
    privacy = StandardPageFactory(parent=home, slug="privacy", title="Privacy")
    booking_page.confirmation_text = (
        f'<p>Read <a linktype="page" id="{privacy.pk}">our privacy policy</a> &amp; bring shoes.</p>'
    )
    booking_page.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/book/", form_data(slot_value(booking_page.free_slots()[0].start)))
    message = patient_email()
    assert '<a href="http://testserver/privacy/">our privacy policy</a>' in message.alternatives[0][0]
    assert "Read our privacy policy & bring shoes." in message.body
    assert "linktype" not in message.alternatives[0][0]


def test_ics_attachment_parses_with_icalendar_and_has_the_visit_in_utc(booked):
    visit, slot = booked
    name, content, mimetype = patient_email().attachments[0]
    assert name.endswith(".ics")
    assert mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(content)
    event = next(iter(calendar.walk("VEVENT")))
    assert event.decoded("dtstart") == visit.slot_start
    assert (event.decoded("dtend") - event.decoded("dtstart")).total_seconds() == 30 * 60
    assert "Test Clinic" in str(event.get("summary"))
    assert "hip" not in str(content).lower()


def test_staff_email_holds_only_name_time_and_admin_link(booked):
    visit, slot = booked
    message = staff_email()
    assert "Maria Garcia" in message.body
    assert "http://testserver/admin/" in message.body
    for private in ["Sharp pain", "maria@example.com", "+19545550123", "Hip"]:
        assert private not in message.body
        assert private not in message.subject
        assert private not in message.alternatives[0][0]


def test_no_subject_carries_health_details(booked):
    for message in mail.outbox:
        assert "hip" not in message.subject.lower()
        assert "pain" not in message.subject.lower()


def test_notifications_show_as_sent(booked):
    visit, _ = booked
    assert set(visit.notifications.values_list("kind", "status")) == {
        ("confirmation", "sent"),
        ("staff_new", "sent"),
    }
    assert "Confirmation: Sent" in notification_summary(visit)


@pytest.mark.parametrize(
    ("booked_ahead", "scheduled"), [(timedelta(days=3), True), (timedelta(hours=20), False)]
)
def test_reminder_shows_as_scheduled_only_when_one_will_be_sent(booked, booked_ahead, scheduled):
    visit, _ = booked
    VisitRequest.objects.filter(pk=visit.pk).update(created_at=visit.slot_start - booked_ahead)
    visit.refresh_from_db()
    assert ("Reminder: scheduled" in notification_summary(visit)) is scheduled


def test_a_failing_mail_server_keeps_the_booking_and_marks_the_emails_retrying(
    client, booking_page, care_area, settings, django_capture_on_commit_callbacks
):
    # A real SMTP connection to a closed port: refused at once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/book/", form_data(slot_value(booking_page.free_slots()[0].start)))
    assert response.status_code == 303
    visit = VisitRequest.objects.get()
    notifications = list(visit.notifications.all())
    assert {n.status for n in notifications} == {"retrying"}
    assert all(n.attempts == 1 for n in notifications)
    assert all(n.next_attempt_at for n in notifications)
    assert all("Error" in n.last_error for n in notifications)
    assert "Failed, retrying" in notification_summary(visit)


def test_after_the_last_attempt_the_email_is_marked_failed(
    client, booking_page, care_area, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    settings.BOOKING_EMAIL_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/book/", form_data(slot_value(booking_page.free_slots()[0].start)))
    notification = Notification.objects.get(kind="confirmation")
    send_notification.enqueue(notification.pk)
    send_notification.enqueue(notification.pk)
    notification.refresh_from_db()
    assert notification.status == "failed"
    assert notification.attempts == 3
    send_notification.enqueue(notification.pk)
    notification.refresh_from_db()
    assert notification.attempts == 3  # a failed email is not retried for ever


def test_due_retries_are_sent_by_the_sweeper_once_the_server_is_back(
    client, booking_page, care_area, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/book/", form_data(slot_value(booking_page.free_slots()[0].start)))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert retry_due_notifications() == 0  # not due yet
    assert retry_due_notifications(now=timezone.now() + timedelta(minutes=2)) == 2
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == 2


def test_a_hung_mail_server_times_out_instead_of_holding_the_booking(
    client, booking_page, care_area, settings, django_capture_on_commit_callbacks
):
    # Accepts connections (the kernel's backlog) but never says hello, like a hung server.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.getsockname()[1], 1
    started = time.monotonic()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/book/", form_data(slot_value(booking_page.free_slots()[0].start)))
    finally:
        server.close()
    assert response.status_code == 303
    assert time.monotonic() - started < 8  # two emails, one-second timeout each
    notification = Notification.objects.get(kind="confirmation")
    assert notification.status == "retrying"
    assert "timed out" in notification.last_error.lower()


def test_staff_notice_of_a_patients_move_gives_the_old_time_and_the_new(
    booked, booking_page, django_capture_on_commit_callbacks
):
    visit, slot = booked
    new = booking_page.free_slots()[2].start
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_request_reschedule(visit_request=visit, slot_start=new)
    message = staff_email()
    assert f"New time: {visit_time(new)}" in message.body
    assert f"Was: {visit_time(slot.start)}" in message.body
    html = message.alternatives[0][0]
    assert f"Was: <del>{visit_time(slot.start)}</del>" in html
    assert visit_time(slot.start).endswith(" ET")


def test_staff_move_remembers_the_old_time_on_the_patients_email(
    booked, booking_page, django_capture_on_commit_callbacks
):
    visit, slot = booked
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_request_update(
            visit_request=visit, status=visit.status, slot_start=booking_page.free_slots()[2].start
        )
    moved = Notification.objects.get(kind=Notification.Kind.CLINIC_MOVED)
    assert moved.previous_slot_start == slot.start


def test_a_cancellation_by_the_clinic_does_not_ask_if_it_was_expected(
    booked, django_capture_on_commit_callbacks
):
    # Staff cancel in the inbox, often because the patient asked them to by phone: the email must
    # not suggest the patient may not have expected it.
    visit, slot = booked
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_request_update(visit_request=visit, status="cancelled")
    message = patient_email()
    html = message.alternatives[0][0]
    assert "not what you expected" not in message.body
    assert "not what you expected" not in html
    assert "If you have a question, or would like another time, please call us" in message.body
    assert visit_time(slot.start) in message.body
