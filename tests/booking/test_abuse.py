"""Rate limits hold per client address, in the shared cache, with a clear message."""

import pytest

from django.core.cache import cache

from booking.models import VisitRequest
from booking.slots import slot_value
from tests.booking.conftest import form_data


@pytest.fixture
def limited(settings):
    settings.BOOKING_RATE_LIMIT = "3/h"
    cache.clear()
    yield
    cache.clear()


def test_posts_beyond_the_rate_limit_get_429_with_a_clear_message_and_input_kept(
    client, booking_page, care_area, limited
):
    slots = booking_page.free_slots()
    for i in range(3):
        assert client.post("/book/", form_data(slot_value(slots[i].start))).status_code == 303
    response = client.post("/book/", form_data(slot_value(slots[4].start), first_name="Dana"))
    assert response.status_code == 429
    html = response.content.decode()
    assert "paused new ones from this connection" in html
    assert 'value="Dana"' in html
    assert VisitRequest.objects.count() == 3


def test_the_limit_is_per_client_address(client, booking_page, care_area, limited):
    slots = booking_page.free_slots()
    for i in range(3):
        client.post("/book/", form_data(slot_value(slots[i].start)), REMOTE_ADDR="10.0.0.1")
    other = client.post("/book/", form_data(slot_value(slots[5].start)), REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 303


def test_the_cache_never_holds_the_client_address(booking_page, care_area, limited, client):
    client.post("/book/", form_data(slot_value(booking_page.free_slots()[0].start)), REMOTE_ADDR="10.9.8.7")
    keys = list(cache._cache.keys())
    assert keys
    assert not any("10.9.8.7" in key for key in keys)


def test_behind_a_proxy_the_configured_header_names_the_client(
    client, booking_page, care_area, limited, settings
):
    settings.BOOKING_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    slots = booking_page.free_slots()
    for i in range(3):
        client.post("/book/", form_data(slot_value(slots[i].start)), HTTP_X_REAL_IP="203.0.113.1")
    blocked = client.post("/book/", form_data(slot_value(slots[4].start)), HTTP_X_REAL_IP="203.0.113.1")
    other = client.post("/book/", form_data(slot_value(slots[5].start)), HTTP_X_REAL_IP="203.0.113.2")
    assert (blocked.status_code, other.status_code) == (429, 303)
