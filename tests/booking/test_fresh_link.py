"""A patient who lost (or outlived) their manage link asks for a fresh one by email. The page
answers the same whether or not the address booked, and cannot be used to flood an inbox."""

import re

import pytest

from django.core import mail
from django.middleware.csrf import CSRF_TOKEN_LENGTH
from django.test import Client

from booking import services
from booking.emails import manage_url
from booking.models import VisitRequest
from booking.slots import slot_value
from clinic import ratelimit
from tests.booking.conftest import form_data

SAME_ANSWER = "If we have a booking for that address, we have emailed a link to it."


@pytest.fixture
def visit(client, booking_page, care_area):
    client.post("/book/", form_data(slot_value(booking_page.free_slots()[0].start)))
    mail.outbox.clear()
    return VisitRequest.objects.get()


def ask(client, email, **extra):
    """The page's answer, after the redirect that keeps a reload from sending again."""
    return client.post("/book/link/", {"email": email}, follow=True, **extra)


def test_the_page_asks_for_the_email_address(client, booking_page):
    response = client.get("/book/link/")
    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()


def test_a_booked_address_gets_an_email_with_a_link_that_opens_the_booking(
    client, visit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "maria@example.com")
    link = re.search(r"http://\S+/book/manage/\S+/", mail.outbox[0].body).group(0)
    page = Client().get(link.replace("http://localhost", ""), follow=True)
    assert "Cancel my visit" in page.content.decode()


def test_the_address_matches_whatever_its_case(client, visit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "Maria@Example.COM")
    assert [m.to for m in mail.outbox] == [["maria@example.com"]]


def without_csrf(html: str) -> str:
    return re.sub(rf'value="[A-Za-z0-9]{{{CSRF_TOKEN_LENGTH}}}"', "", html)


def test_the_answer_is_the_same_for_an_address_without_a_booking(client, visit):
    booked = ask(client, "maria@example.com")
    unknown = ask(client, "nobody@example.com")
    assert SAME_ANSWER in booked.content.decode()
    assert without_csrf(unknown.content.decode()) == without_csrf(booked.content.decode())


def test_an_address_without_a_booking_gets_no_email(client, visit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "nobody@example.com")
    assert mail.outbox == []


def test_a_cancelled_visit_gets_no_link(client, visit, django_capture_on_commit_callbacks):
    services.visit_request_cancel(visit_request=visit, by_patient=False)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "maria@example.com")
    assert mail.outbox == []


def test_the_email_subject_names_no_patient_and_no_time(client, visit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "maria@example.com")
    subject = mail.outbox[0].subject
    assert "Maria" not in subject
    assert "Hip" not in subject


def test_asking_too_often_from_one_connection_is_paused(client, visit, settings):
    settings.BOOKING_FRESH_LINK_RATE_LIMIT = "3/d"
    statuses = [ask(client, f"x{n}@example.com").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_one_address_gets_at_most_three_links_an_hour_from_any_number_of_connections(
    visit, settings, django_capture_on_commit_callbacks
):
    settings.BOOKING_FRESH_LINK_RATE_LIMIT = "3/d"
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            ask(Client(), "maria@example.com", REMOTE_ADDR=f"10.0.1.{n}").content.decode() for n in range(6)
        ]
    assert len(mail.outbox) == 3
    assert all(SAME_ANSWER in answer for answer in answers)


# Each looks like kris@example.com: a dotless ı, a long ſ, the Kelvin sign K.
LOOK_ALIKES = ["kris@example.com", "kr\u0131s@example.com", "kri\u017f@example.com", "\u212aris@example.com"]


def test_look_alike_letters_do_not_multiply_the_links_one_address_gets(
    client, booking_page, care_area, settings, django_capture_on_commit_callbacks
):
    client.post("/book/", form_data(slot_value(booking_page.free_slots()[0].start), email="kris@example.com"))
    mail.outbox.clear()
    settings.BOOKING_FRESH_LINK_RATE_LIMIT = "2/d"
    with django_capture_on_commit_callbacks(execute=True):
        for n, address in enumerate(LOOK_ALIKES):
            ask(Client(), address, REMOTE_ADDR=f"10.0.2.{n}")
    assert [message.to for message in mail.outbox] == [["kris@example.com"], ["kris@example.com"]]


@pytest.mark.parametrize("look_alike", ["kri\u017f@example.com", "\u212aris@example.com", "KRIS@EXAMPLE.COM"])
def test_compatibility_letters_and_case_are_one_address(look_alike):
    assert ratelimit.email_key(look_alike) == "kris@example.com"


def test_a_dotless_i_is_another_address():
    assert ratelimit.email_key("kr\u0131s@example.com") != "kris@example.com"


def test_an_invalid_address_is_refused_with_a_message(client, booking_page):
    response = ask(client, "not an email")
    assert "Enter an email address like name@example.com." in response.content.decode()


def test_a_replaced_link_offers_a_fresh_one(client, visit, booking_page):
    old_link = manage_url(visit)
    VisitRequest.objects.filter(pk=visit.pk).update(link_version=5)
    response = client.get(old_link.replace("http://localhost", ""))
    assert 'href="/book/link/"' in response.content.decode()


def test_asking_answers_with_a_redirect_so_a_reload_sends_no_second_email(
    client, visit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/book/link/", {"email": "maria@example.com"})
        assert response.status_code == 303
        assert response["Location"] == "/book/link/?sent=1"
        for _ in range(3):
            assert SAME_ANSWER in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1
