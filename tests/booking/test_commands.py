"""Reminders (never twice) and retention (anonymise, keep counts)."""

import io
from datetime import timedelta

import pytest

from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from booking import housekeeping, services
from booking.models import Notification, VisitRequest
from booking.selectors import source_report_rows
from tests.factories import StandardPageFactory


@pytest.fixture
def far_visit(booking_page, care_area, home, django_capture_on_commit_callbacks):
    article = StandardPageFactory(parent=home, title="Hip pain guide")
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.visit_request_create(
            page=booking_page,
            patient=services.Patient(
                first_name="Maria",
                last_name="Garcia",
                email="maria@example.com",
                phone="+19545550123",
                concern=care_area,
                note="Left hip",
                race_date=timezone.localdate() + timedelta(days=40),
            ),
            slot_start=booking_page.free_slots()[-1].start,
            source_page=article,
        )
    mail.outbox.clear()
    return visit


def test_reminder_is_sent_about_a_day_before_and_never_twice(far_visit, django_capture_on_commit_callbacks):
    before = far_visit.slot_start - timedelta(hours=20)
    with django_capture_on_commit_callbacks(execute=True):
        assert housekeeping.visit_reminders_queue(now=before) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert housekeeping.visit_reminders_queue(now=before + timedelta(minutes=5)) == 0
        assert housekeeping.visit_reminders_queue(now=before + timedelta(hours=2)) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["maria@example.com"]
    assert message.subject.startswith("Reminder:")
    assert "hip" not in message.subject.lower()
    assert Notification.objects.get(kind="reminder").status == "sent"


def test_no_reminder_two_days_ahead_or_for_cancelled_visits(far_visit, django_capture_on_commit_callbacks):
    assert housekeeping.visit_reminders_queue(now=far_visit.slot_start - timedelta(hours=48)) == 0
    services.visit_request_cancel(visit_request=far_visit, by_patient=False)
    assert housekeeping.visit_reminders_queue(now=far_visit.slot_start - timedelta(hours=20)) == 0


def test_send_visit_reminders_command_reminds_a_visit_within_a_day_once(
    far_visit, django_capture_on_commit_callbacks
):
    # Booked days ago for a time now 20 hours away: due for its reminder.
    VisitRequest.objects.filter(pk=far_visit.pk).update(
        slot_start=timezone.now() + timedelta(hours=20), created_at=timezone.now() - timedelta(days=3)
    )
    mail.outbox.clear()
    first, second = io.StringIO(), io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_visit_reminders", stdout=first)
        call_command("send_visit_reminders", stdout=second)
    assert "Queued 1 reminder(s)" in first.getvalue()
    assert "Queued 0 reminder(s)" in second.getvalue()
    assert [m.subject.startswith("Reminder:") for m in mail.outbox] == [True]


def test_purge_anonymises_old_requests_and_keeps_counts_for_reports(far_visit):
    call_command("purge_visit_requests", "--older-than", "30", stdout=__import__("io").StringIO())
    far_visit.refresh_from_db()
    assert far_visit.anonymised_at is None  # its visit is still ahead
    VisitRequest.objects.filter(pk=far_visit.pk).update(slot_start=timezone.now() - timedelta(days=400))
    rows_before = source_report_rows()
    call_command("purge_visit_requests", "--older-than", "365", stdout=__import__("io").StringIO())
    far_visit.refresh_from_db()
    assert far_visit.anonymised_at is not None
    assert far_visit.first_name == "Anonymised"
    assert far_visit.email == "anonymised@invalid"
    assert far_visit.phone == ""
    assert far_visit.note == ""
    assert far_visit.race_date is None
    assert far_visit.concern is not None
    assert far_visit.source_page is not None
    assert source_report_rows() == rows_before


def test_purge_refuses_a_zero_day_window():
    with pytest.raises(CommandError):
        call_command("purge_visit_requests", "--older-than", "0")
