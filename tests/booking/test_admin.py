"""The staff inbox: only superusers and the Front desk see requests; every look is logged."""

import csv
import io
from datetime import timedelta

import pytest

from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.admin.menu import admin_menu
from wagtail.models import ModelLogEntry, Site

from booking import services
from booking.admin.reports import source_chart
from booking.admin.viewset import VisitRequestMenuItem
from booking.models import BookingSettings, Notification, VisitRequest
from booking.slots import slot_value
from tests.admin_forms import form_data as form_data_of
from tests.booking.conftest import download_xlsx, form_data
from tests.factories import StandardPageFactory

INDEX = "/admin/visit-requests/"


@pytest.fixture
def visits(client, booking_page, care_area):
    slots = booking_page.free_slots()
    client.post("/book/", form_data(slot_value(slots[0].start)))
    client.post(
        "/book/", form_data("none", preferred_times="Mornings", first_name="Zed", email="z@example.com")
    )
    client.post(
        "/book/", form_data(slot_value(slots[1].start), first_name='=HYPERLINK("x")', concern="other")
    )
    return list(VisitRequest.objects.order_by("pk"))


def test_front_desk_sees_the_list_with_status_time_concern_and_a_new_count(client, front_desk, visits):
    client.force_login(front_desk)
    html = client.get(INDEX).content.decode()
    assert "Maria Garcia" in html
    assert "Zed Garcia" in html
    assert "Preferred: Mornings" in html
    assert "Hip" in html
    assert "New" in html
    assert "Visit requests (3 new)" in client.get("/admin/").content.decode()


def test_blog_editors_cannot_see_or_export_requests(client, editor, visits):
    client.force_login(editor)
    assert client.get(INDEX).status_code in (302, 403)
    assert client.get(INDEX + "?export=csv").status_code in (302, 403)
    assert client.get(f"{INDEX}inspect/{visits[0].pk}/").status_code in (302, 403)
    assert "Visit requests" not in client.get("/admin/").content.decode()
    assert client.get("/admin/reports/visit-sources/").status_code in (302, 403)


def test_search_finds_by_name_email_and_phone(client, front_desk, visits):
    client.force_login(front_desk)
    assert "Zed Garcia" in client.get(INDEX + "?q=z@example.com").content.decode()
    assert "Maria Garcia" not in client.get(INDEX + "?q=Zed").content.decode()
    assert "Zed Garcia" in client.get(INDEX + "?q=5550123").content.decode()


def search(client, query: str) -> str:
    return client.get(INDEX, {"q": query}).content.decode()


@pytest.mark.parametrize(
    "typed", ["555-0166", "(954) 555-0166", "+1 954 555 0166", "9545550166", "954.555.0166", "1-954-555-0166"]
)
def test_search_finds_a_phone_number_however_it_is_typed(client, front_desk, booking_page, care_area, typed):
    slots = booking_page.free_slots()
    client.post("/book/", form_data(slot_value(slots[0].start), first_name="Ana", phone="954-555-0166"))
    client.post("/book/", form_data(slot_value(slots[1].start), first_name="Bea", email="bea@example.com"))
    client.force_login(front_desk)
    html = search(client, typed)
    assert "Ana Garcia" in html
    assert "Bea Garcia" not in html


def test_search_finds_a_number_from_abroad_dialled_with_the_international_prefix(
    client, front_desk, booking_page, care_area
):
    client.post("/book/", form_data(slot_value(booking_page.free_slots()[0].start), phone="+44 20 7946 0958"))
    client.force_login(front_desk)
    assert "Maria Garcia" in search(client, "011 44 20 7946 0958")
    assert "Maria Garcia" in search(client, "+44 20 7946 0958")


def test_search_finds_a_patient_by_full_name_and_a_name_with_part_of_the_number(client, front_desk, visits):
    client.force_login(front_desk)
    assert "Zed Garcia" in search(client, "Zed Garcia")
    assert "Maria Garcia" not in search(client, "Zed Garcia")
    assert "Zed Garcia" in search(client, "zed 555-0123")
    assert "Zed Garcia" not in search(client, "zed 555-9999")


def test_search_for_another_number_finds_nothing(client, front_desk, visits):
    client.force_login(front_desk)
    html = search(client, "(954) 555-9999")
    assert "Maria Garcia" not in html
    assert "Zed Garcia" not in html


def test_filters_by_status_and_concern(client, front_desk, visits, care_area):
    client.force_login(front_desk)
    services.visit_request_set_status(visit_request=visits[0], status="contacted")
    html = client.get(INDEX + "?status=contacted").content.decode()
    assert "Maria Garcia" in html
    assert "Zed Garcia" not in html
    html = client.get(INDEX + f"?concern={care_area.pk}").content.decode()
    assert "Maria Garcia" in html
    assert "HYPERLINK" not in html


def test_opening_the_list_logs_each_request_shown(client, front_desk, visits):
    client.force_login(front_desk)
    assert client.get(INDEX).status_code == 200
    entries = ModelLogEntry.objects.filter(action="booking.visit_request.listed")
    assert sorted(entries.values_list("object_id", flat=True)) == sorted(str(v.pk) for v in visits)
    assert {entry.user for entry in entries} == {front_desk}
    assert not any("Garcia" in entry.label for entry in entries)


def test_detail_view_is_logged_in_the_audit_log(client, front_desk, visits):
    client.force_login(front_desk)
    response = client.get(f"{INDEX}inspect/{visits[0].pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Maria" in html
    assert "Confirmation: Queued" in html
    entry = ModelLogEntry.objects.get(action="booking.visit_request.viewed")
    assert entry.user == front_desk
    assert entry.object_id == str(visits[0].pk)
    assert "Maria" not in entry.label


def test_front_desk_opens_the_edit_form_and_the_view_is_logged(client, front_desk, visits):
    client.force_login(front_desk)
    response = client.get(f"{INDEX}edit/{visits[0].pk}/")
    assert response.status_code == 200
    assert 'name="staff_notes"' in response.content.decode()
    entry = ModelLogEntry.objects.get(action="booking.visit_request.viewed")
    assert entry.object_id == str(visits[0].pk)


def test_status_change_with_staff_notes_is_saved_and_logged(client, front_desk, visits):
    client.force_login(front_desk)
    response = client.post(
        f"{INDEX}edit/{visits[0].pk}/", {"status": "confirmed", "staff_notes": "Called, confirmed."}
    )
    assert response.status_code == 302
    visits[0].refresh_from_db()
    assert visits[0].status == "confirmed"
    assert visits[0].staff_notes == "Called, confirmed."
    entry = ModelLogEntry.objects.get(action="booking.visit_request.status_changed")
    assert entry.data["from"] == "new"
    assert entry.data["to"] == "confirmed"


def test_staff_cancelling_frees_the_slot(client, front_desk, visits, booking_page):
    client.force_login(front_desk)
    slot = visits[0].slot_start
    client.post(f"{INDEX}edit/{visits[0].pk}/", {"status": "cancelled", "staff_notes": ""})
    assert slot in {s.start for s in booking_page.free_slots()}


def test_csv_export_of_the_filtered_list_is_logged_and_formula_safe(client, front_desk, visits):
    client.force_login(front_desk)
    response = client.get(INDEX + "?export=csv&status=new")
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["ID", "Status", "Visit"]
    assert len(rows) == 4
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
    [entry] = ModelLogEntry.objects.filter(action="booking.visit_request.exported")
    assert entry.data["rows"] == 3


def test_xlsx_export_opens_with_openpyxl(client, front_desk, visits):
    client.force_login(front_desk)
    sheet = download_xlsx(client).active
    assert sheet.max_row == 4
    assert sheet.cell(1, 1).value == "ID"


def csv_rows(client) -> list[list[str]]:
    response = client.get(INDEX + "?export=csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def xlsx_sheet(client):
    return download_xlsx(client).active


def test_csv_export_headings_are_all_readable(client, front_desk, visits):
    client.force_login(front_desk)
    headings = csv_rows(client)[0]
    assert [h for h in headings if "_" in h or not h[:1].isupper()] == []
    assert headings[3:7] == ["First name", "Last name", "Email", "Phone"]


def test_xlsx_export_headings_are_all_readable(client, front_desk, visits):
    client.force_login(front_desk)
    headings = [cell.value for cell in xlsx_sheet(client)[1]]
    assert headings[3:7] == ["First name", "Last name", "Email", "Phone"]


def test_csv_export_gives_phone_numbers_as_dialled_not_as_digits_a_spreadsheet_would_sum(
    client, front_desk, visits
):
    client.force_login(front_desk)
    rows = csv_rows(client)
    phone = rows[0].index("Phone")
    assert {row[phone] for row in rows[1:]} == {"(954) 555-0123"}


def test_xlsx_export_gives_phone_numbers_as_text_without_an_apostrophe(client, front_desk, visits):
    client.force_login(front_desk)
    sheet = xlsx_sheet(client)
    phones = [row[6] for row in sheet.iter_rows(min_row=2)]
    assert {cell.value for cell in phones} == {"(954) 555-0123"}
    assert {cell.data_type for cell in phones} == {"s"}


def test_xlsx_export_keeps_a_formula_like_name_as_plain_text(client, front_desk, visits):
    client.force_login(front_desk)
    sheet = xlsx_sheet(client)
    first_names = [row[3] for row in sheet.iter_rows(min_row=2)]
    hostile = next(cell for cell in first_names if "HYPERLINK" in str(cell.value))
    assert hostile.value == '=HYPERLINK("x")'
    assert hostile.data_type == "s"


def test_nobody_adds_or_deletes_requests_in_the_admin(admin_client, visits):
    assert admin_client.get(INDEX + "add/").status_code in (302, 403, 404)
    assert admin_client.post(f"{INDEX}delete/{visits[0].pk}/").status_code in (302, 403, 404)
    assert VisitRequest.objects.filter(pk=visits[0].pk).exists()


def test_dashboard_panel_lists_new_requests_and_failed_emails(admin_client, visits):
    Notification.objects.filter(visit_request=visits[1]).update(status="failed")
    html = admin_client.get("/admin/").content.decode()
    assert "Free Discovery Visits" in html
    assert "3 new requests" in html
    assert "Emails failed for good" in html
    assert f"Visit request #{visits[1].pk}" in html


def test_failed_email_filter_lists_only_those_requests(admin_client, visits):
    Notification.objects.filter(visit_request=visits[1]).update(status="failed")
    html = admin_client.get(INDEX + "?email_failed=true").content.decode()
    assert "Zed Garcia" in html
    assert "Maria Garcia" not in html


def test_source_report_counts_requests_per_article_per_month(
    client, front_desk, booking_page, care_area, home
):
    article = StandardPageFactory(parent=home, title="Hip pain in runners")
    slots = booking_page.free_slots()
    # Four patients, each in their own browser.
    for i in range(3):
        Client().post("/book/", form_data(slot_value(slots[i].start), source=str(article.pk)))
    Client().post("/book/", form_data(slot_value(slots[5].start)))
    client.force_login(front_desk)
    html = client.get("/admin/reports/visit-sources/").content.decode()
    assert "Hip pain in runners" in html
    assert "<svg" in html
    assert "<rect" in html
    assert "<td>Hip pain in runners</td><td>3</td>" in html
    assert "style=" not in html.split('class="source-chart"')[1].split("</svg>")[0]


def test_front_desk_group_has_only_booking_permissions(db):
    perms = set(Group.objects.get(name="Front desk").permissions.values_list("codename", flat=True))
    # Wagtail's own migrations give every group "choose_document"; that is harmless here.
    assert perms - {"choose_document"} == {
        "view_visitrequest",
        "change_visitrequest",
        "export_visitrequest",
        "access_admin",
    }
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert not {p for p in editors if "visitrequest" in p}
    assert mail.outbox == []


def test_a_race_within_two_weeks_is_flagged_in_the_list(client, front_desk, booking_page, care_area):
    race = timezone.localdate() + timedelta(days=5)
    client.post(
        "/book/", form_data(slot_value(booking_page.free_slots()[0].start), race_date=race.isoformat())
    )
    client.force_login(front_desk)
    assert f"Soon: {race:%a} {race.day} {race:%b}" in client.get(INDEX).content.decode()


def test_inbox_list_query_count_stays_flat(
    client, front_desk, booking_page, care_area, django_assert_max_num_queries
):
    slots = booking_page.free_slots()
    for i in range(3):
        client.post("/book/", form_data(slot_value(slots[i].start), email=f"p{i}@example.com"))
    client.force_login(front_desk)
    client.get(INDEX)
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    baseline = len(few.captured_queries)  # read now: each request clears the query log
    assert baseline <= 30
    for i in range(3, 15):
        client.post("/book/", form_data(slot_value(slots[i].start), email=f"p{i}@example.com"))
    with django_assert_max_num_queries(baseline):
        client.get(INDEX)


def test_front_desk_anonymises_a_request_on_the_patients_wish_and_it_is_logged(client, front_desk, visits):
    client.force_login(front_desk)
    url = f"{INDEX}anonymise/{visits[0].pk}/"
    assert url in client.get(f"{INDEX}inspect/{visits[0].pk}/").content.decode()
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    visits[0].refresh_from_db()
    assert visits[0].anonymised_at
    assert visits[0].email == "anonymised@invalid"
    assert ModelLogEntry.objects.filter(action="booking.visit_request.anonymised", user=front_desk).exists()


def test_anonymising_a_booking_still_to_come_cancels_it_and_frees_its_time(visits, booking_page):
    slot = visits[0].slot_start
    assert slot not in {s.start for s in booking_page.free_slots()}
    services.visit_request_anonymise(visit_request=visits[0])
    visits[0].refresh_from_db()
    assert visits[0].status == VisitRequest.Status.CANCELLED
    assert visits[0].cancelled_at
    assert slot in {s.start for s in booking_page.free_slots()}


def test_editors_cannot_anonymise(client, editor, visits):
    client.force_login(editor)
    assert client.post(f"{INDEX}anonymise/{visits[0].pk}/").status_code in (302, 403)
    visits[0].refresh_from_db()
    assert visits[0].anonymised_at is None


def test_the_menu_counts_new_requests_and_failed_emails(admin_client, visits):
    Notification.objects.filter(visit_request=visits[1]).update(status="failed")
    assert "Visit requests (3 new, 2 emails failed)" in admin_client.get("/admin/").content.decode()


def test_menu_counts_are_rendered_per_request_and_never_stored_on_the_shared_item(
    rf, admin_user, front_desk, visits
):
    # Wagtail builds the menu item once per process; threaded workers share it between requests.
    item = next(i for i in admin_menu.registered_menu_items if isinstance(i, VisitRequestMenuItem))
    first = rf.get("/admin/")
    first.user = admin_user
    assert item.render_component(first).label == "Visit requests (3 new)"
    Notification.objects.filter(visit_request=visits[1]).update(status="failed")
    second = rf.get("/admin/")
    second.user = front_desk
    assert item.render_component(second).label == "Visit requests (3 new, 2 emails failed)"
    assert item.label == "Visit requests"


def test_source_chart_scales_bars_to_the_biggest_source_and_ranks_them():
    rows = [
        {"source": "Hip pain", "requests": 2},
        {"source": "Direct / unknown", "requests": 1},
        {"source": "Hip pain", "requests": 2},
    ]
    chart = source_chart(rows)
    assert [(bar.label, bar.count, bar.width, bar.y) for bar in chart.bars] == [
        ("Hip pain", 4, 60.0, 0),
        ("Direct / unknown", 1, 15.0, 28),
    ]
    assert chart.height == 56


def test_source_chart_of_no_rows_is_empty_with_room_for_one_bar():
    chart = source_chart([])
    assert chart.bars == []
    assert chart.height == 28


def test_anonymising_a_stale_copy_keeps_the_status_staff_set_meanwhile(visits):
    stale = VisitRequest.objects.get(pk=visits[0].pk)
    services.visit_request_set_status(visit_request=visits[0], status="attended")
    services.visit_request_anonymise(visit_request=stale)
    visits[0].refresh_from_db()
    assert visits[0].status == VisitRequest.Status.ATTENDED
    assert visits[0].anonymised_at is not None


def booking_settings_url():
    site = Site.objects.get(is_default_site=True)
    return reverse("wagtailsettings:edit", args=["booking", "bookingsettings", site.pk])


def test_a_superuser_edits_the_staff_recipients_in_booking_settings(admin_client, booking_page):
    data = form_data_of(admin_client, booking_settings_url())
    data["staff_recipients"] = "desk@example.com\nowner@example.com"
    assert admin_client.post(booking_settings_url(), data).status_code == 302
    assert BookingSettings.objects.get().staff_recipient_list() == ["desk@example.com", "owner@example.com"]


@pytest.mark.parametrize("who", ["editor", "front_desk"])
def test_editors_and_front_desk_cannot_open_booking_settings(client, request, who, booking_page):
    client.force_login(request.getfixturevalue(who))
    assert client.get(booking_settings_url()).status_code in (302, 403)
