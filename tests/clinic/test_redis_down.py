"""Redis down does not take the site down: a real gunicorn whose REDIS_URL points at nothing.

The server runs the base settings' cache configuration (TEST_SHARED_CACHE) with the booking rate
limit on, so every path that touches the cache is the one production takes."""

from pathlib import Path

import pytest
import requests

from tests.booking.live_server import ROOT, Patient, gunicorn, prepare_database

DEAD_REDIS = "redis://127.0.0.1:1/0"

# One pytest worker runs this module: its gunicorn server starts once.
pytestmark = pytest.mark.xdist_group("redis-down")


@pytest.fixture(scope="module")
def server_and_log(tmp_path_factory):
    database_url = f"sqlite:///{tmp_path_factory.mktemp('redis-down') / 'db.sqlite3'}"
    prepare_database(database_url)
    # One worker, so "one warning" means one for the whole outage rather than one per process.
    with gunicorn(
        database_url, workers=1, TEST_SHARED_CACHE="1", REDIS_URL=DEAD_REDIS, BOOKING_RATE_LIMIT="5/h"
    ) as url:
        yield url, ROOT / f".gunicorn-{url.rsplit(':', 1)[1]}.log"


@pytest.fixture(scope="module")
def server(server_and_log):
    return server_and_log[0]


@pytest.mark.parametrize("path", ["/", "/blog/", "/blog/hip-pain-in-runners/", "/book/", "/search/?q=hip"])
def test_pages_serve_with_redis_down(server, path):
    assert requests.get(server + path, timeout=30).status_code == 200


def test_a_booking_saves_with_redis_down(server):
    patient = Patient(server)
    patient.open_form()
    response = patient.book(patient.slots[0])
    assert response.status_code == 303


def test_healthz_with_redis_down_answers_200_and_names_the_cache(server):
    response = requests.get(server + "/healthz", timeout=30)
    assert response.status_code == 200
    assert response.json()["cache"]["status"] == "unavailable"


def test_an_outage_leaves_one_warning_in_the_log_not_one_per_request(server_and_log):
    server, log = server_and_log
    for _ in range(20):
        requests.get(server + "/blog/", timeout=30)
    warnings = [line for line in Path(log).read_text().splitlines() if "Cache unavailable" in line]
    assert len(warnings) == 1
