"""One person with a few addresses cannot hoard the slots, and staff hear when requests spike."""

import re

import pytest

from django.core import mail
from django.test import Client

from booking.models import VisitRequest
from booking.slots import slot_value
from tests.booking.conftest import form_data


@pytest.fixture
def limited(settings):
    settings.BOOKING_MAX_ACTIVE_PER_CONTACT = 2


def book(page, n, **details):
    """Each request from a browser of its own: the browser that has just booked is shown its
    booking when it sends again (tests/booking/test_views.py), so this limit is the last line."""
    return Client().post("/book/", form_data(slot_value(page.free_slots()[n].start), **details))


def test_a_third_request_with_the_same_email_is_refused(booking_page, care_area, limited):
    for n in range(2):
        book(booking_page, n, phone=f"(954) 555-01{n}0")
    response = book(booking_page, 3, phone="(954) 555-0199")
    assert response.status_code == 200
    assert VisitRequest.objects.count() == 2


def test_a_third_request_with_the_same_phone_is_refused(booking_page, care_area, limited):
    for n in range(2):
        book(booking_page, n, email=f"p{n}@example.com")
    book(booking_page, 3, email="p3@example.com")
    assert VisitRequest.objects.count() == 2


def test_the_email_matches_whatever_its_case(booking_page, care_area, limited):
    book(booking_page, 0, phone="(954) 555-0110")
    book(booking_page, 1, phone="(954) 555-0120", email="MARIA@example.com")
    book(booking_page, 2, phone="(954) 555-0130", email="Maria@Example.com")
    assert VisitRequest.objects.count() == 2


def test_the_refusal_is_kind_keeps_the_input_and_offers_a_fresh_link(booking_page, care_area, limited):
    for n in range(2):
        book(booking_page, n)
    html = book(booking_page, 3, note="my knee").content.decode()
    assert "You already have 2 visits booked or requested with us" in html
    assert "my knee" in html
    assert 'href="/book/link/"' in html


def test_the_refusal_names_no_date_or_time(booking_page, care_area, limited):
    for n in range(2):
        book(booking_page, n)
    html = book(booking_page, 3).content.decode()
    summary = html.split("There is a problem")[1].split("</div>")[0]
    assert re.search(r"\d:\d\d", summary) is None


def test_cancelled_or_past_requests_do_not_count(booking_page, care_area, limited):
    for n in range(2):
        book(booking_page, n)
    VisitRequest.objects.filter(pk=VisitRequest.objects.first().pk).update(status="cancelled")
    assert book(booking_page, 3).status_code == 303


def test_a_spike_of_requests_sends_staff_one_email_an_hour(
    booking_page, care_area, settings, django_capture_on_commit_callbacks
):
    settings.BOOKING_SPIKE_THRESHOLD = 3
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            book(booking_page, n, email=f"p{n}@example.com", phone=f"(954) 555-01{n}0")
    alerts = [m for m in mail.outbox if "Unusual number of booking requests" in m.subject]
    assert len(alerts) == 1


def test_the_spike_email_subject_and_body_hold_no_patient_details(
    booking_page, care_area, settings, django_capture_on_commit_callbacks
):
    settings.BOOKING_SPIKE_THRESHOLD = 1
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            book(booking_page, n, email=f"p{n}@example.com", first_name="Zelda")
    alert = next(m for m in mail.outbox if "Unusual number" in m.subject)
    assert alert.to == ["front-desk@example.com"]
    assert "Zelda" not in alert.subject + alert.body
    assert "p1@example.com" not in alert.subject + alert.body


def test_no_alert_below_the_threshold(booking_page, care_area, settings, django_capture_on_commit_callbacks):
    settings.BOOKING_SPIKE_THRESHOLD = 3
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            book(booking_page, n, email=f"p{n}@example.com")
    assert not [m for m in mail.outbox if "Unusual number" in m.subject]


def test_the_dashboard_warns_staff_of_a_spike(admin_client, booking_page, care_area, settings):
    settings.BOOKING_SPIKE_THRESHOLD = 2
    for n in range(3):
        book(booking_page, n, email=f"p{n}@example.com")
    html = admin_client.get("/admin/").content.decode()
    assert "3 requests in the last hour" in html
