"""The waitlist in the admin: the front desk sees who waits for what and the offers made, offers a
time by hand and removes an entry; editors do not see it; the dashboard counts waiting patients;
every look and change is in the audit log."""

import csv
import io

import pytest
from bs4 import BeautifulSoup

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import ModelLogEntry

from booking import services
from booking.formatting import visit_time
from booking.slots import slot_value
from booking.waitlist.models import WaitlistEntry, WaitlistOffer

from .conftest import join

pytestmark = pytest.mark.django_db


def test_the_front_desk_sees_the_waitlist_with_wishes_and_offers(
    client, front_desk, small_page, django_capture_on_commit_callbacks
):
    join(small_page, 1), join(small_page, 2, parts=["morning"])
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_request_cancel(visit_request=small_page.booked[0])
    client.force_login(front_desk)
    html = client.get("/admin/booking/waitlist/").content.decode()
    assert "Pat1 Waiting" in html
    assert "Pat2 Waiting" in html
    assert "morning, afternoon or evening" in html
    assert "Open" in html  # the offer held for Pat1
    assert ModelLogEntry.objects.filter(action="booking.waitlist.listed").count() == 2


def test_the_waitlist_listing_takes_the_same_queries_for_2_or_20_entries(client, front_desk, small_page):
    client.force_login(front_desk)
    for n in range(2):
        join(small_page, n)
    client.get("/admin/booking/waitlist/")
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/booking/waitlist/")
    for n in range(2, 20):
        join(small_page, n)
    with CaptureQueriesContext(connection) as many:
        client.get("/admin/booking/waitlist/")
    assert len(many) == len(few)


def test_the_listing_pages_through_every_entry_and_shows_the_phone_as_dialled(client, front_desk, small_page):
    for n in range(1, 53):
        join(small_page, n, language="es" if n == 52 else "en")
    client.force_login(front_desk)
    first = client.get("/admin/booking/waitlist/").content.decode()
    shown = [f"Pat{n} Waiting" in first for n in (1, 50, 51)]
    assert shown == [True, True, False]
    assert "(954) 555-0001" in first
    assert "+19545550001" not in first
    second = client.get("/admin/booking/waitlist/?p=2").content.decode()
    shown = [f"Pat{n} Waiting" in second for n in (1, 51, 52)]
    assert shown == [False, True, True]
    assert "(Spanish)" in second


def test_an_editor_does_not_see_the_waitlist(client, editor, small_page):
    client.force_login(editor)
    assert client.get("/admin/booking/waitlist/").status_code in (302, 403)


def test_staff_offer_a_time_by_hand_and_the_patient_is_emailed(
    client, front_desk, small_page, django_capture_on_commit_callbacks
):
    entry = join(small_page, 1, weekdays=[])
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_request_cancel(visit_request=small_page.booked[0], by_patient=False)
    client.force_login(front_desk)
    page = client.get(f"/admin/booking/waitlist/{entry.pk}/offer/").content.decode()
    freed = slot_value(small_page.booked[0].slot_start)
    assert f'value="{freed}"' in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/booking/waitlist/{entry.pk}/offer/", {"slot": freed})
    assert response.status_code == 302
    offer = WaitlistOffer.objects.get()
    assert offer.by_staff
    assert [m.to for m in mail.outbox] == [["pat1@example.com"]]
    assert ModelLogEntry.objects.filter(action="booking.waitlist.offered").exists()


def test_staff_remove_an_entry_after_saying_what_it_does(client, front_desk, small_page):
    entry = join(small_page, 1)
    client.force_login(front_desk)
    index = client.get("/admin/booking/waitlist/").content.decode()
    assert f'href="/admin/booking/waitlist/{entry.pk}/remove/"' in index
    page = client.get(f"/admin/booking/waitlist/{entry.pk}/remove/")
    assert page.status_code == 200
    text = " ".join(BeautifulSoup(page.content, "html.parser").get_text().split())
    assert "Pat1 Waiting asked for" in text
    assert "not emailed" in text
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.WAITING  # asking removes nothing
    assert client.post(f"/admin/booking/waitlist/{entry.pk}/remove/").status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.REMOVED
    assert ModelLogEntry.objects.filter(action="booking.waitlist.removed").exists()


def test_the_dashboard_counts_waiting_patients(client, front_desk, small_page):
    join(small_page, 1), join(small_page, 2)
    client.force_login(front_desk)
    assert "2 patients on the waitlist" in client.get("/admin/").content.decode()


def test_the_export_has_the_entries_and_is_logged(client, front_desk, small_page):
    join(small_page, 1)
    client.force_login(front_desk)
    response = client.get("/admin/booking/waitlist/?export=csv")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "pat1@example.com" in body
    assert ModelLogEntry.objects.filter(action="booking.waitlist.exported").exists()


def test_the_export_reads_as_the_inbox_export_does(client, front_desk, small_page):
    """Clinic time with its zone, the phone as dialled (text to a spreadsheet, not +1954… as a
    number), the language by name, formulas inert (issue 14's rules for every export)."""
    entry = join(small_page, 1)
    entry.first_name = "=HYPERLINK(1)"
    entry.save()
    client.force_login(front_desk)
    [row] = csv.DictReader(io.StringIO(client.get("/admin/booking/waitlist/?export=csv").content.decode()))
    assert row["Joined"] == visit_time(entry.created_at)
    assert row["Joined"].endswith(" ET")
    assert row["Phone"] == "(954) 555-0001"
    assert row["Language"] == "English"
    assert row["First name"] == "'=HYPERLINK(1)"
