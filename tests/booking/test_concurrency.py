"""Nothing lost, nothing double-booked: real gunicorn workers, simultaneous patients.

Each test database here is a throwaway one built by `migrate` + `load_demo_content`, because
the server processes cannot see pytest-django's test transaction (nor its in-memory SQLite)."""

import sys

import pytest
import requests

from tests.booking.live_server import (
    EACH_DATABASE,
    JUST_TAKEN,
    Patient,
    fire_at_once,
    gunicorn,
    open_all,
    prepared_database,
    shell,
)

# One pytest worker runs this module: its gunicorn servers start once.
pytestmark = pytest.mark.xdist_group("concurrency")


@pytest.fixture(scope="module", params=EACH_DATABASE)
def database_url(request, tmp_path_factory):
    with prepared_database(request.param, "booking_concurrency", tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="module")
def server(database_url):
    with gunicorn(database_url, workers=4) as url:
        yield url


def report(line: str) -> None:
    """Measured numbers, shown with `pytest -s` (docs/benchmarks.md records them)."""
    sys.stderr.write(line + "\n")


def counts(database_url: str) -> tuple[int, int]:
    out = shell(
        database_url,
        "from booking.models import VisitRequest, SlotSeat; "
        "print('COUNTS', VisitRequest.objects.count(), SlotSeat.objects.count())",
    )
    line = next(line for line in out.splitlines() if line.startswith("COUNTS"))
    _, requests_count, seats = line.split()
    return int(requests_count), int(seats)


def open_forms(server, n):
    return open_all([Patient(server) for _ in range(n)])


@pytest.mark.parametrize("capacity", [1, 3])
def test_simultaneous_bookings_of_one_slot_never_exceed_its_capacity(server, database_url, capacity):
    shell(
        database_url,
        f"from booking.models import DiscoveryVisitPage as P; P.objects.update(capacity={capacity})",
    )
    before, _ = counts(database_url)
    patients = open_forms(server, 24)
    slot = patients[0].slots[-1 - capacity]  # late in the horizon: nobody else books it
    results, seconds = fire_at_once(patients, [slot] * len(patients))
    statuses = [r.status_code for r in results]
    booked = [r for r in results if r.status_code == 303]
    taken = [r for r in results if r.status_code == 200 and JUST_TAKEN in r.text]
    report(
        f"\n{database_url.split(':')[0]} capacity={capacity}: 24 at once -> {len(booked)} booked, "
        f"{len(taken)} told 'just taken', {sum(s >= 500 for s in statuses)} 5xx, {seconds:.1f}s"
    )
    assert not [s for s in statuses if s >= 500]
    assert len(booked) == capacity
    assert len(taken) == len(patients) - capacity
    loser = next(p for p, r in zip(patients, results, strict=True) if r.status_code == 200)
    loser_page = next(r for r in results if r.status_code == 200).text
    # The loser's input is kept.
    assert 'value="P' in loser_page
    assert "@example.com" in loser_page
    assert loser.name  # each patient posted as themselves
    after, seats = counts(database_url)
    assert after - before == capacity
    shell(database_url, "from booking.models import DiscoveryVisitPage as P; P.objects.update(capacity=1)")


def test_two_hundred_patients_booking_different_slots_at_once_all_succeed(server, database_url):
    before, seats_before = counts(database_url)
    patients = open_forms(server, 200)
    free = list(patients[-1].slots)
    assert len(free) >= 200, f"only {len(free)} free slots"
    results, seconds = fire_at_once(patients, free[:200])
    statuses = [r.status_code for r in results]
    report(
        f"\n{database_url.split(':')[0]}: 200 different slots at once -> "
        f"{statuses.count(303)} booked, {sum(s >= 500 for s in statuses)} 5xx, {seconds:.1f}s"
    )
    assert statuses.count(303) == 200, sorted(set(statuses))
    after, seats = counts(database_url)
    assert (after - before, seats - seats_before) == (200, 200)


def test_a_double_click_racing_itself_creates_one_request(server, database_url):
    before, _ = counts(database_url)
    patient = open_forms(server, 1)[0]
    # The same browser session and form token, posted five times at the same instant.
    results, _ = fire_at_once([patient] * 5, [patient.slots[-10]] * 5)
    assert [r.status_code for r in results] == [303] * 5
    after, _ = counts(database_url)
    assert after - before == 1


def test_every_answer_to_a_double_click_leads_to_the_one_booking(server, database_url):
    before, _ = counts(database_url)
    patient = open_forms(server, 1)[0]
    results, _ = fire_at_once([patient] * 5, [patient.slots[-11]] * 5)
    # Whichever answer the browser keeps (the last click's, usually not the one that booked), its
    # session shows the booking: one visit, and the patient sees it.
    pages = [requests.get(server + "/book/thanks/", cookies=r.cookies, timeout=60).text for r in results]
    after, _ = counts(database_url)
    assert after - before == 1
    assert ["Your visit is booked" in page for page in pages] == [True] * 5


def test_rate_limit_holds_across_server_processes(database_url):
    # Four workers sharing the database cache; twelve simultaneous posts from one address.
    with gunicorn(database_url, workers=4, TEST_SHARED_CACHE="1", BOOKING_RATE_LIMIT="5/h") as url:
        patients = open_forms(url, 12)
        slots = patients[0].slots[-40:-28]
        results, _ = fire_at_once(patients, slots)
    statuses = sorted(r.status_code for r in results)
    report(f"\n{database_url.split(':')[0]}: rate limit 5/h, 12 at once -> {statuses}")
    assert statuses == [303] * 5 + [429] * 7
    assert all("paused new ones" in r.text for r in results if r.status_code == 429)
