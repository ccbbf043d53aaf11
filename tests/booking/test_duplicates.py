"""The same patient booking twice is flagged in the inbox: by email address (in any case) or
phone number (E.164), against the other new, contacted or confirmed requests."""

import pytest
from bs4 import BeautifulSoup

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from booking import services
from booking.admin.columns import also_booked
from booking.formatting import visit_day
from booking.models import VisitRequest
from booking.selectors import other_active_requests
from booking.slots import slot_value
from tests.booking.conftest import form_data

INBOX = "/admin/visit-requests/"


@pytest.fixture
def book(booking_page, care_area):
    """Books the nth free time (or preferred times with n=None) with these details."""
    free = booking_page.free_slots()

    def book(n, **details):
        details.setdefault("phone", f"(954) 555-{len(free) + VisitRequest.objects.count():04d}")
        slot = "none" if n is None else slot_value(free[n].start)
        extra = {"preferred_times": "Mornings"} if n is None else {}
        # Each from a browser of its own: one browser sending again is shown its booking instead.
        assert Client().post("/book/", form_data(slot, **extra, **details)).status_code == 303
        return VisitRequest.objects.latest("pk")

    return book


@pytest.fixture
def desk(client, front_desk):
    client.force_login(front_desk)
    return client


def flags(desk, query="") -> dict[str, str]:
    """{patient name: its "same patient?" flag} as the inbox shows them."""
    soup = BeautifulSoup(desk.get(INBOX + query).content, "html.parser")
    headings = [th.get_text(" ", strip=True) for th in soup.select("table thead th")]
    column = headings.index("Same patient?")
    return {
        row.find_all("td")[0].get_text(" ", strip=True): row.find_all("td")[column].get_text(" ", strip=True)
        for row in soup.select("table tbody tr")
    }


def test_the_same_email_in_another_case_flags_both_requests_with_the_others_day(desk, book):
    first = book(0, email="maria@example.com", first_name="Maria")
    second = book(5, email="Maria@Example.COM", first_name="Mary")
    shown = flags(desk)
    assert shown["Maria Garcia"] == f"Also booked {visit_day(second.slot_start)}"
    assert shown["Mary Garcia"] == f"Also booked {visit_day(first.slot_start)}"


def test_the_same_phone_typed_differently_flags_the_requests(desk, book):
    book(0, email="a@example.com", first_name="Ann", phone="(954) 555-0123")
    book(5, email="b@example.com", first_name="Bea", phone="+1 954 555 0123")
    shown = flags(desk)
    assert shown["Ann Garcia"].startswith("Also booked")
    assert shown["Bea Garcia"].startswith("Also booked")


def test_different_patients_are_not_flagged(desk, book):
    book(0, email="a@example.com", first_name="Ann")
    book(5, email="b@example.com", first_name="Bea")
    assert set(flags(desk).values()) == {""}


def test_a_cancelled_request_does_not_flag_the_other_but_is_flagged_by_it(desk, book):
    cancelled = book(0, email="maria@example.com", first_name="Old")
    active = book(5, email="maria@example.com", first_name="New")
    services.visit_request_cancel(visit_request=cancelled)
    shown = flags(desk)
    assert shown["New Garcia"] == ""
    assert shown["Old Garcia"] == f"Also booked {visit_day(active.slot_start)}"


def test_an_anonymised_request_is_neither_flagged_nor_flags(desk, book):
    gone = book(0, email="maria@example.com", first_name="Gone")
    book(5, email="maria@example.com", first_name="Here")
    services.visit_request_anonymise(visit_request=gone)
    assert set(flags(desk).values()) == {""}


def test_a_request_without_a_time_flags_as_requested(desk, book):
    book(None, email="maria@example.com", first_name="Later")
    book(5, email="maria@example.com", first_name="Booked")
    assert flags(desk)["Booked Garcia"] == "Also requested without a time"


def test_the_flag_is_a_text_tag_not_a_colour(desk, book):
    book(0, email="maria@example.com")
    book(5, email="maria@example.com")
    soup = BeautifulSoup(desk.get(INBOX).content, "html.parser")
    tag = soup.select_one("table tbody td .w-status")
    assert tag.get_text(strip=True).startswith("Also booked ")


def test_the_possible_duplicates_filter_lists_only_flagged_requests(desk, book):
    book(0, email="maria@example.com", first_name="Ann")
    book(5, email="MARIA@example.com", first_name="Bea")
    book(7, email="zed@example.com", first_name="Zed")
    assert set(flags(desk, "?duplicates=true")) == {"Ann Garcia", "Bea Garcia"}
    assert set(flags(desk, "?duplicates=false")) == {"Zed Garcia"}


def test_the_filter_is_offered_in_the_inbox(desk, book):
    book(0)
    html = desk.get(INBOX).content.decode()
    assert "Possible duplicates" in html
    assert 'name="duplicates"' in html


def test_the_filter_leaves_out_anonymised_and_cancelled_others(desk, book):
    old = book(0, email="maria@example.com", first_name="Old")
    book(5, email="maria@example.com", first_name="New")
    services.visit_request_cancel(visit_request=old)
    assert set(flags(desk, "?duplicates=true")) == {"Old Garcia"}


def test_the_inbox_looks_duplicates_up_in_one_query_however_many_rows(
    desk, book, django_assert_max_num_queries
):
    for n in range(3):
        book(n, email=f"p{n % 2}@example.com")
    desk.get(INBOX + "?duplicates=true")
    with CaptureQueriesContext(connection) as few:
        desk.get(INBOX + "?duplicates=true")
    baseline = len(few.captured_queries)
    for n in range(3, 20):
        book(n, email=f"p{n % 2}@example.com")
    with django_assert_max_num_queries(baseline):
        desk.get(INBOX + "?duplicates=true")
    with django_assert_max_num_queries(baseline):
        desk.get(INBOX)


def test_the_detail_view_links_the_other_requests(desk, book):
    first = book(0, email="maria@example.com", first_name="Ann")
    second = book(5, email="maria@example.com", first_name="Bea", phone="(954) 555-0123")
    soup = BeautifulSoup(desk.get(f"{INBOX}inspect/{first.pk}/").content, "html.parser")
    link = soup.select_one(".other-requests a")
    assert link["href"] == f"{INBOX}inspect/{second.pk}/"
    assert link.get_text(strip=True) == "Bea Garcia"
    assert "(same email)" in soup.select_one(".other-requests").get_text(" ", strip=True)


def test_the_edit_form_links_the_other_requests(desk, book):
    first = book(0, email="maria@example.com", first_name="Ann")
    second = book(5, email="maria@example.com", first_name="Bea")
    soup = BeautifulSoup(desk.get(f"{INBOX}edit/{first.pk}/").content, "html.parser")
    assert soup.select_one(".other-requests a")["href"] == f"{INBOX}inspect/{second.pk}/"
    assert "Possible duplicates" in soup.get_text()


def test_the_detail_view_says_when_there_is_no_other_request(desk, book):
    only = book(0)
    html = desk.get(f"{INBOX}inspect/{only.pk}/").content.decode()
    assert "no other active request with this email address or phone number" in html


def test_other_active_requests_match_one_page_in_one_query(book, django_assert_num_queries):
    rows = [book(n, email=f"p{n % 3}@example.com") for n in range(6)]
    with django_assert_num_queries(1):
        found = other_active_requests(rows)
    assert {other.pk for other in found[rows[0].pk]} == {rows[3].pk}


def test_also_booked_names_each_day_and_requests_without_a_time(book):
    dated = [book(0, email="a@example.com"), book(4, email="b@example.com")]
    undated = book(None, email="c@example.com")
    days = [visit_day(r.slot_start) for r in dated]
    assert also_booked(dated) == f"Also booked {days[0]}, {days[1]}"
    assert also_booked([*dated, undated]) == f"Also booked {days[0]}, {days[1]} and requested without a time"
    assert also_booked([]) == ""
