"""The patient's change-or-cancel link points at the site's public origin and opens, whatever
host and port the booking came in through and whatever the Wagtail Site record says."""

import re
from urllib.parse import urlsplit

import icalendar
import pytest

from django.core import mail

from booking.slots import slot_value
from tests.booking.conftest import form_data

PUBLIC = "https://clinic.example:8443"
MANAGE_LINK = re.compile(r"https?://[^\s\"'<>]+/book/manage/[^\s\"'<>]+")


@pytest.fixture
def booked_elsewhere(client, booking_page, care_area, settings, django_capture_on_commit_callbacks):
    """A booking posted to a host and port that are not the Site record's (localhost:80)."""
    settings.CLINIC_PUBLIC_URL = PUBLIC
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "clinic.example", "other.example"]
    slot = booking_page.free_slots()[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/book/", form_data(slot_value(slot.start)), HTTP_HOST="other.example:8081", secure=True
        )
    assert response.status_code == 303
    thanks = client.get(response["Location"], HTTP_HOST="other.example:8081", secure=True)
    return thanks


def patient_email():
    return next(m for m in mail.outbox if m.to == ["maria@example.com"])


def opens(client, url: str) -> int:
    parts = urlsplit(url)
    # The link moves its token into the session and redirects to the manage page: follow it.
    response = client.get(parts.path, HTTP_HOST=parts.netloc, secure=parts.scheme == "https", follow=True)
    return response.status_code


def test_manage_link_in_the_email_is_on_the_public_origin(booked_elsewhere):
    links = MANAGE_LINK.findall(patient_email().body)
    assert links != []
    assert {link.split("/book/")[0] for link in links} == {PUBLIC}


def test_manage_link_in_the_email_opens(client, booked_elsewhere):
    link = MANAGE_LINK.search(patient_email().body).group()
    assert opens(client, link) == 200


def test_manage_link_in_the_calendar_file_is_on_the_public_origin(booked_elsewhere):
    attachment = next(a for a in patient_email().attachments if a[0].endswith(".ics"))
    event = icalendar.Calendar.from_ical(attachment[1]).walk("VEVENT")[0]
    assert str(event["url"]).startswith(PUBLIC + "/book/manage/")


def test_manage_link_in_the_calendar_file_opens(client, booked_elsewhere):
    attachment = next(a for a in patient_email().attachments if a[0].endswith(".ics"))
    event = icalendar.Calendar.from_ical(attachment[1]).walk("VEVENT")[0]
    assert opens(client, str(event["url"])) == 200


def test_manage_link_on_the_confirmation_page_is_on_the_public_origin_and_opens(client, booked_elsewhere):
    links = MANAGE_LINK.findall(booked_elsewhere.content.decode())
    assert links != []
    assert links[0].startswith(PUBLIC + "/book/manage/")
    assert opens(client, links[0]) == 200


def test_without_a_public_url_page_links_follow_the_request(client, booking_page, settings):
    settings.CLINIC_PUBLIC_URL = ""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "dev.example"]
    html = client.get("/book/", HTTP_HOST="dev.example:9000").content.decode()
    assert '<link rel="canonical" href="http://dev.example:9000/book/">' in html
