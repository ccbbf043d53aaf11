"""A hostile-input battery: random and known-nasty values in every public form and query
parameter. Nothing may answer 500, and no page may echo a payload unescaped.

Bounded (a few dozen examples per test, no deadline) so the battery stays well under a minute."""

from urllib.parse import quote, urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from django.test import Client

from booking import services
from booking.emails import manage_url
from booking.models import DiscoveryVisitPage
from tests.booking.conftest import form_data

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' OR '1'='1' --",
    "1; DROP TABLE booking_visitrequest; --",
    "\x00",
    "a\x00b",
    "\r\nBcc: victim@example.com",
    "%00%0d%0a",
    "../../../../etc/passwd",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "\u202egnirts",
    "\ud7ff\ue000\ufffd",
    "9" * 400,
    "-1",
    "0",
    "1e309",
    "NaN",
    "2026-13-45T99:00:00+00:00",
    "x" * 5000,
]
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"

hostile = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60).map(lambda t: t + SCRIPT),
)
battery = hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_safe(response):
    assert response.status_code < 500, response.status_code
    body = response.content.decode(errors="replace")
    assert SCRIPT not in body
    assert IMG not in body


@pytest.fixture
def site(demo_site):
    return Client()


@battery
@given(query=hostile, page=hostile)
def test_search_never_errors_or_echoes_a_payload(site, query, page):
    assert_safe(site.get("/search/?" + urlencode({"q": query, "page": page})))


@battery
@given(page=hostile, concern=hostile, source=hostile, race=hostile, day=hostile)
def test_booking_page_query_parameters_never_error(site, page, concern, source, race, day):
    params = {"page": page, "concern": concern, "from": source, "race": race, "day": day}
    assert_safe(site.get("/book/?" + urlencode(params)))


@battery
@given(page=hostile, slug=hostile)
def test_blog_listing_parameters_and_slugs_never_error(site, page, slug):
    assert_safe(site.get("/blog/?" + urlencode({"page": page})))
    for kind in ("category", "tag"):
        path = f"/blog/{kind}/{quote(slug, safe='') or 'x'}/"
        assert_safe(site.get(path + "?" + urlencode({"page": page})))


@battery
@given(
    field=st.sampled_from(
        [
            "slot",
            "preferred_times",
            "first_name",
            "last_name",
            "email",
            "phone",
            "concern",
            "concern_other",
            "race_date",
            "note",
            "preferred_contact",
            "source",
            "form_token",
            "started",
            "website",
            "day",  # a day button: the form comes back with that day's times
        ]
    ),
    value=hostile,
)
def test_booking_form_never_errors_or_stores_a_payload_unescaped(site, field, value):
    data = {**form_data("none", preferred_times="Tuesday evenings"), field: value}
    response = site.post("/book/", data)
    assert_safe(response)
    if response.status_code == 303:
        assert_safe(site.get(response["Location"]))


@battery
@given(email=hostile)
def test_fresh_link_form_never_errors(site, email):
    assert_safe(site.post("/book/link/", {"email": email}))


@battery
@given(token=hostile)
def test_manage_links_never_error(site, token):
    assert_safe(site.get(f"/book/manage/{quote(token, safe='') or 'x'}/"))


@pytest.fixture
def managing(site, settings):
    """A browser that opened a real manage link, so its posts reach the manage forms."""
    settings.BOOKING_MANAGE_RATE_LIMIT = "0"
    page = DiscoveryVisitPage.objects.get(locale__language_code="en")
    visit = services.visit_request_create(
        page=page,
        patient=services.Patient(first_name="M", last_name="G", email="m@example.com", phone="+19545550123"),
        slot_start=page.free_slots()[0].start,
    )
    site.get(urlsplit(manage_url(visit)).path)
    return site


@battery
@given(action=st.one_of(st.just("move"), hostile), slot=hostile)
def test_manage_forms_never_error_or_echo_a_payload(managing, action, slot):
    assert_safe(managing.post("/book/manage/", {"action": action, "slot": slot}))


@battery
@given(day=hostile, slot=hostile)
def test_a_manage_day_button_never_errors_or_echoes_a_payload(managing, day, slot):
    assert_safe(managing.post("/book/manage/", {"action": "move", "slot": slot, "day": day}))
