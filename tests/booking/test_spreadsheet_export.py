"""The inbox's XLSX export, built by the task worker and downloaded when ready (issue 16): the page
that waits for it, who may download it, what is kept and for how long, and the one audit entry."""

import io
import re
from datetime import timedelta

import openpyxl
import pytest

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from wagtail.models import ModelLogEntry

from bench.scale_requests import build
from booking import audit
from booking.admin import exports
from booking.models import SpreadsheetExport, VisitRequest
from tests.booking.conftest import download_xlsx

INDEX = "/admin/visit-requests/"

# A queue nobody works: the export waits as it does for a busy or stopped worker.
DUMMY_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "clinic": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
}


@pytest.fixture
def other_desk(db, django_user_model):
    user = django_user_model.objects.create_user(username="desk2", password="pw-desk2")
    user.groups.add(Group.objects.get(name="Front desk"))
    return user


def expire_all():
    SpreadsheetExport.objects.update(
        created_at=timezone.now() - exports.EXPORT_LIFETIME - timedelta(minutes=1)
    )


def page_url(export: SpreadsheetExport) -> str:
    return f"{INDEX}exports/{export.pk}/"


def test_asking_for_xlsx_leads_to_a_page_that_links_to_the_filtered_rows(client, front_desk, home):
    build(60)
    client.force_login(front_desk)
    response = client.get(INDEX + "?export=xlsx&status=attended")
    export = SpreadsheetExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page_url(export)
    page = client.get(page_url(export)).content.decode()
    assert "Your spreadsheet is ready" in page
    assert f'href="{page_url(export)}download/"' in page
    sheet = download_xlsx(client, "&status=attended").active
    assert sheet.max_row == VisitRequest.objects.filter(status="attended").count() + 1


def test_the_download_is_an_attachment_never_cached_on_the_way(client, front_desk, home):
    build(5)
    client.force_login(front_desk)
    client.get(INDEX + "?export=xlsx")
    export = SpreadsheetExport.objects.get()
    response = client.get(page_url(export) + "download/")
    assert response["Content-Disposition"].startswith('attachment; filename="visit-requests-')
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.active.max_row == 6


def test_while_the_worker_has_not_built_it_the_page_says_so_and_looks_again(
    client, front_desk, home, settings
):
    settings.TASKS = DUMMY_TASKS
    build(5)
    client.force_login(front_desk)
    page = client.get(INDEX + "?export=xlsx", follow=True).content.decode()
    export = SpreadsheetExport.objects.get()
    assert "Your spreadsheet is being prepared" in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "/download/" not in page
    assert client.get(page_url(export) + "download/").status_code == 404


def test_a_build_lost_with_its_worker_is_reported_as_failed_after_a_while(client, front_desk, home, settings):
    settings.TASKS = DUMMY_TASKS
    client.force_login(front_desk)
    client.get(INDEX + "?export=xlsx")
    export = SpreadsheetExport.objects.get()
    export.created_at -= exports.BUILD_TIMEOUT + timedelta(minutes=1)
    export.save()
    page = client.get(page_url(export)).content.decode()
    assert "could not be prepared" in page
    assert "http-equiv" not in page


def test_another_staff_member_cannot_see_or_download_someone_elses_export(
    client, front_desk, other_desk, home
):
    build(5)
    client.force_login(front_desk)
    client.get(INDEX + "?export=xlsx")
    export = SpreadsheetExport.objects.get()
    client.force_login(other_desk)
    assert client.get(page_url(export)).status_code == 404
    assert client.get(page_url(export) + "download/").status_code == 404


def test_someone_without_the_export_permission_cannot_download_even_their_own(client, front_desk, home):
    build(5)
    client.force_login(front_desk)
    client.get(INDEX + "?export=xlsx")
    export = SpreadsheetExport.objects.get()
    front_desk.groups.clear()
    assert client.get(page_url(export) + "download/").status_code != 200


def test_the_file_is_built_only_if_its_owner_may_still_export(front_desk, home, settings):
    settings.TASKS = DUMMY_TASKS
    export = SpreadsheetExport.objects.create(user=front_desk)
    front_desk.groups.clear()
    assert exports.build_spreadsheet_export.call(export.pk) == "failed"
    export.refresh_from_db()
    assert export.content is None


def test_what_was_searched_is_not_kept_once_the_file_is_built(client, front_desk, home):
    build(60)
    client.force_login(front_desk)
    client.get(INDEX + "?export=xlsx&q=Lopez&status=attended")
    export = SpreadsheetExport.objects.get()
    assert export.status == "ready"
    assert export.query == {}


def test_an_xlsx_export_is_audited_once_with_its_filters_and_row_count(client, front_desk, home):
    build(60)
    client.force_login(front_desk)
    sheet = download_xlsx(client, "&status=attended").active
    entry = ModelLogEntry.objects.get(action=audit.LOG_EXPORTED)
    assert entry.user == front_desk
    assert entry.data["format"] == "xlsx"
    assert entry.data["filters"] == {"status": ["attended"]}
    assert entry.data["rows"] == sheet.max_row - 1


def test_exports_are_deleted_a_day_after_they_were_asked_for(client, front_desk, home):
    build(5)
    client.force_login(front_desk)
    client.get(INDEX + "?export=xlsx")
    export = SpreadsheetExport.objects.get()
    SpreadsheetExport.objects.update(
        created_at=timezone.now() - exports.EXPORT_LIFETIME - timedelta(minutes=1)
    )
    assert client.get(page_url(export) + "download/").status_code == 404
    call_command("send_visit_reminders", stdout=io.StringIO())
    assert not SpreadsheetExport.objects.exists()


def test_asking_for_a_new_export_deletes_the_expired_ones(client, front_desk, home):
    client.force_login(front_desk)
    client.get(INDEX + "?export=xlsx")
    SpreadsheetExport.objects.update(
        created_at=timezone.now() - exports.EXPORT_LIFETIME - timedelta(minutes=1)
    )
    client.get(INDEX + "?export=xlsx")
    assert SpreadsheetExport.objects.count() == 1


def test_the_export_page_names_the_clinics_zone(client, front_desk, home):
    client.force_login(front_desk)
    page = client.get(INDEX + "?export=xlsx", follow=True).content.decode()
    assert re.search(r"\d{1,2}:\d\d [AP]M ET\)", page)
