"""The front desk exports the inbox in Chromium: CSV downloads at once; XLSX leads to a page that
becomes a download link once the worker has built it (at once under the test settings), and the
file opens with the filtered requests, phone numbers as text and times in the clinic's zone."""

import csv
import io

import openpyxl
import pytest
from playwright.sync_api import expect

from django.contrib.auth.models import Group, Permission

from bench.scale_requests import build
from booking.models import VisitRequest
from tests.browser.conftest import assert_no_axe_violations

PASSWORD = "desk-password-5521"


@pytest.fixture
def front_desk(db, django_user_model):
    # Built here: live-server tests empty the database after them, the migrations' group included.
    group, _ = Group.objects.get_or_create(name="Front desk")
    group.permissions.add(
        *Permission.objects.filter(
            codename__in=["access_admin", "view_visitrequest", "change_visitrequest", "export_visitrequest"]
        )
    )
    user = django_user_model.objects.create_user(username="desk", password=PASSWORD)
    user.groups.add(group)
    return user


@pytest.fixture
def inbox(page, site_url, front_desk):
    build(120)
    page.goto(f"{site_url}/admin/login/?next=/admin/visit-requests/%3Fstatus%3Dattended")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Visit requests")
    return page


def test_front_desk_exports_xlsx_waits_for_the_link_and_opens_the_file(inbox, axe, tmp_path):
    page = inbox
    page.get_by_role("button", name="Actions").click()
    page.get_by_role("link", name="Download XLSX").click()
    expect(page.get_by_role("heading", name="Your spreadsheet is ready")).to_be_visible()
    assert_no_axe_violations(axe, page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download XLSX").click()
    download = download_info.value
    assert download.suggested_filename.startswith("visit-requests-")
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    headings = rows[0]
    attended = VisitRequest.objects.filter(status="attended")
    assert len(rows) == attended.count() + 1
    assert {row[headings.index("Status")] for row in rows[1:]} == {"Attended"}
    with_phone = attended.exclude(phone="").order_by("-created_at").first()
    row = next(row for row in rows[1:] if row[0] == with_phone.pk)
    assert row[headings.index("Phone")] == f"(954) 555-{with_phone.phone[-4:]}"
    assert sheet.cell(2, headings.index("Received") + 1).number_format.endswith('"ET"')


def test_front_desk_downloads_the_csv_at_once(inbox, tmp_path):
    page = inbox
    page.get_by_role("button", name="Actions").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    path = tmp_path / "export.csv"
    download_info.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert len(rows) == VisitRequest.objects.filter(status="attended").count()
    assert rows[0]["Received"].endswith(" ET")
