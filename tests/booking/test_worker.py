"""The production path: emails queued on the database task backend and sent by its worker."""

import io

import openpyxl
import pytest
from django_tasks_db.models import DBTaskResult

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command

from bench.scale_requests import build
from booking.models import DiscoveryVisitPage, Notification, VisitRequest
from booking.slots import slot_value
from tests.booking.conftest import form_data

DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "clinic": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}


# Transactional: the worker closes its database connection after a batch, which would end the
# test's wrapping transaction; here every booking really commits, as in production. The flush
# after each such test removes Wagtail's root page, so the site comes from the demo loader,
# which rebuilds it.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def booking_page(demo_site):
    return DiscoveryVisitPage.objects.get(locale__language_code="en")


@pytest.fixture
def database_queue(settings):
    # django-tasks rebuilds its backends when TASKS changes (setting_changed).
    settings.TASKS = DATABASE_TASKS


def run_worker():
    call_command("db_worker", "--backend", "clinic", "--batch", "--no-startup-delay", stdout=io.StringIO())


def test_booking_queues_emails_that_the_worker_sends(database_queue, client, booking_page):
    response = client.post("/book/", form_data(slot_value(booking_page.free_slots()[0].start)))
    assert response.status_code == 303
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 2
    run_worker()
    assert len(mail.outbox) == 2
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_a_failed_send_is_requeued_for_later_with_backoff(database_queue, client, booking_page, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    client.post("/book/", form_data(slot_value(booking_page.free_slots()[0].start)))
    run_worker()
    notification = Notification.objects.get(kind="confirmation")
    assert notification.status == "retrying"
    assert notification.attempts == 1
    retry = DBTaskResult.objects.filter(status="READY").order_by("-enqueued_at").first()
    assert retry is not None
    assert retry.run_after is not None
    assert retry.run_after >= notification.next_attempt_at.replace(microsecond=0)


def test_an_xlsx_export_waits_for_the_worker_and_then_downloads(database_queue, client, booking_page):
    build(40)
    # Built here: a transactional test's flush empties the group the data migration made.
    group, _ = Group.objects.get_or_create(name="Front desk")
    group.permissions.add(
        *Permission.objects.filter(
            codename__in=["access_admin", "view_visitrequest", "change_visitrequest", "export_visitrequest"]
        )
    )
    desk = get_user_model().objects.create_user(username="desk", password="pw-desk")
    desk.groups.add(group)
    client.force_login(desk)
    waiting = client.get("/admin/visit-requests/?export=xlsx", follow=True)
    assert "Your spreadsheet is being prepared" in waiting.content.decode()
    run_worker()
    ready = client.get(waiting.request["PATH_INFO"]).content.decode()
    assert "Your spreadsheet is ready" in ready
    download = client.get(waiting.request["PATH_INFO"] + "download/")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.max_row == VisitRequest.objects.count() + 1
