"""What the front desk reads about a request, on screen and in exports: the clinic's time with its
zone named (never stored UTC), labels rather than codes, and phone numbers a spreadsheet keeps
as text."""

import csv
import io
import os
import shutil
import subprocess
from datetime import UTC, datetime, time

import openpyxl
import pytest

from django.utils import timezone

from booking.models import VisitRequest
from booking.slots import slot_value
from tests.booking.conftest import download_xlsx, form_data

INDEX = "/admin/visit-requests/"
# 7:35:45 PM on Sunday 6 December in Davie, FL, stored in UTC: 00:35:45 on the 7th.
EVENING_IN_DAVIE = datetime(2026, 12, 7, 0, 35, 45, 790592, tzinfo=UTC)


@pytest.fixture
def visit(client, booking_page, care_area):
    slot = slot_value(booking_page.free_slots()[0].start)
    client.post("/book/", form_data(slot, preferred_contact="phone"))
    VisitRequest.objects.update(created_at=EVENING_IN_DAVIE, consented_at=EVENING_IN_DAVIE)
    return VisitRequest.objects.get()


def csv_export(client) -> list[dict]:
    response = client.get(INDEX + "?export=csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def xlsx_export(client):
    sheet = download_xlsx(client).active
    headings = [cell.value for cell in sheet[1]]
    return [dict(zip(headings, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def test_detail_view_shows_received_and_consented_in_clinic_time_with_the_zone(client, front_desk, visit):
    client.force_login(front_desk)
    html = client.get(f"{INDEX}inspect/{visit.pk}/").content.decode()
    assert html.count("Sun 6 Dec 2026, 7:35 PM ET") == 2
    assert "12:35 a.m." not in html


def test_detail_view_shows_the_phone_number_as_dialled(client, front_desk, visit):
    client.force_login(front_desk)
    assert "(954) 555-0123" in client.get(f"{INDEX}inspect/{visit.pk}/").content.decode()


def test_dashboard_names_the_zone_of_todays_times(admin_client, visit):
    clinic = timezone.get_default_timezone()
    VisitRequest.objects.update(slot_start=datetime.combine(timezone.localdate(), time(0, 1), tzinfo=clinic))
    html = admin_client.get("/admin/").content.decode()
    assert "12:01 AM ET – Maria Garcia" in html


def test_csv_export_has_clinic_time_with_its_zone_and_labels_not_codes(client, front_desk, visit):
    client.force_login(front_desk)
    [row] = csv_export(client)
    assert row["Received"] == "Sun 6 Dec 2026, 7:35 PM ET"
    assert row["Status"] == "New"
    assert row["Preferred contact"] == "Phone call"
    assert row["Phone"] == "(954) 555-0123"
    assert "Received (UTC)" not in row


def test_xlsx_export_has_received_as_a_date_cell_in_clinic_time_whose_format_names_the_zone(
    client, front_desk, visit
):
    client.force_login(front_desk)
    [row] = xlsx_export(client)
    received = row["Received"]
    assert received.value.replace(microsecond=0) == datetime(2026, 12, 6, 19, 35, 45)
    assert received.is_date
    assert received.number_format.endswith('"ET"')
    assert row["Status"].value == "New"
    assert row["Preferred contact"].value == "Phone call"


def test_a_number_from_abroad_is_exported_as_dialled_from_the_clinic(client, front_desk, visit):
    VisitRequest.objects.update(phone="+442079460958")
    client.force_login(front_desk)
    [row] = csv_export(client)
    assert row["Phone"] == "011 44 20 7946 0958"


def test_a_number_stored_before_validation_is_exported_as_stored_and_formula_safe(client, front_desk, visit):
    VisitRequest.objects.update(phone="=1+2")
    client.force_login(front_desk)
    [row] = csv_export(client)
    assert row["Phone"] == "'=1+2"


SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(
    not SOFFICE and not os.environ.get("REQUIRE_SERVICES"),
    reason="LibreOffice is not installed (apt-get install --no-install-recommends libreoffice-calc-nogui)",
)
def test_libreoffice_opens_the_csv_export_with_phone_numbers_as_text_and_formulas_inert(
    client, front_desk, visit, tmp_path
):
    """What a spreadsheet makes of the CSV: LibreOffice reads it as a person's double click
    would, and saves it as XLSX, whose cells say what it understood."""
    VisitRequest.objects.update(first_name='=HYPERLINK("http://evil.example")')
    client.force_login(front_desk)
    response = client.get(INDEX + "?export=csv")
    (tmp_path / "export.csv").write_bytes(b"".join(response.streaming_content))
    subprocess.run(  # noqa: S603
        [SOFFICE, "--headless", "--calc", "--convert-to", "xlsx", "--outdir", str(tmp_path), "export.csv"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp_path)},  # its own profile: runs alongside others
    )
    sheet = openpyxl.load_workbook(tmp_path / "export.xlsx").active
    headings = [cell.value for cell in sheet[1]]
    row = dict(zip(headings, sheet[2], strict=True))
    assert row["Phone"].value == "(954) 555-0123"
    assert row["Phone"].data_type == "s"
    assert row["First name"].data_type == "s"
    assert row["Received"].value == "Sun 6 Dec 2026, 7:35 PM ET"
