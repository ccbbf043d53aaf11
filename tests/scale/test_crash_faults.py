"""A booking cut off half-way leaves nothing behind, and the next patient books normally.

The booking is caught mid-transaction without any hook in the code: the test holds a SHARE lock
on the seats table, so the server's transaction has inserted the visit request and waits to
insert its seat. Then its gunicorn worker is SIGKILLed, or its database connection terminated."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import psycopg
import pytest
import requests

from tests.booking.live_server import ON_POSTGRES, POSTGRES_URL, Patient, gunicorn_process, postgres_database
from tests.scale.services import wait_until

pytestmark = [
    # One pytest worker runs tests/scale/: the demo template and servers start once.
    pytest.mark.xdist_group("scale"),
    pytest.mark.multiserver,
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: set DATABASE_URL=postgres://..."),
]


@pytest.fixture(scope="module")
def database_url(demo_template):
    with postgres_database(POSTGRES_URL, "clinic_scale_faults", template=demo_template) as url:
        yield url


@pytest.fixture(scope="module")
def server(database_url):
    # One worker: "the next request" is served by the process that lived through the fault.
    with gunicorn_process(database_url, workers=1) as (url, master):
        yield url, master


def sql(database_url: str, query: str, *params):
    with psycopg.connect(database_url) as connection:
        return connection.execute(query, params).fetchall()


class HeldBooking:
    """A patient's booking POST, stopped inside its transaction by a lock the test holds."""

    def __init__(self, server_url: str, database_url: str):
        self.database_url = database_url
        self.patient = Patient(server_url)
        self.patient.open_form()
        self.slot = self.patient.slots[-5]
        self.lock = psycopg.connect(database_url)
        self.lock.execute("LOCK TABLE booking_slotseat IN SHARE MODE")
        self.outcome: list = []
        self.thread = threading.Thread(target=self._post)
        self.thread.start()
        self.backend_pid = wait_until(self._waiting_backend, timeout=30, what="the booking to reach its seat")

    def _post(self):
        try:
            self.outcome.append(self.patient.book(self.slot).status_code)
        except requests.RequestException as error:
            self.outcome.append(type(error).__name__)

    def _waiting_backend(self):
        rows = self.lock.execute(
            "SELECT pid FROM pg_locks WHERE relation = 'booking_slotseat'::regclass AND NOT granted"
        ).fetchall()
        return rows[0][0] if rows else None

    def release(self) -> None:
        self.lock.rollback()
        self.lock.close()
        self.thread.join(timeout=60)
        # Killed client or terminated connection: either way its server process ends, and
        # PostgreSQL rolls back whatever its transaction had written.
        wait_until(
            lambda: (
                sql(
                    self.database_url,
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = %s",
                    self.backend_pid,
                )
                == [(0,)]
            ),
            timeout=30,
            what="the cut-off transaction to end",
        )

    def rows_left(self) -> tuple[int, int]:
        requests_ = sql(
            self.database_url,
            "SELECT count(*) FROM booking_visitrequest WHERE email = %s",
            f"{self.patient.name.lower()}@example.com",
        )[0][0]
        seats = sql(
            self.database_url, "SELECT count(*) FROM booking_slotseat WHERE slot_start = %s", self.slot
        )
        return requests_, seats[0][0]


def worker_pids(master) -> list[int]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def test_a_worker_killed_mid_booking_leaves_no_partial_rows(server, database_url):
    url, master = server
    held = HeldBooking(url, database_url)
    [worker] = worker_pids(master)
    os.kill(worker, signal.SIGKILL)
    held.release()
    assert held.outcome == ["ConnectionError"]
    assert held.rows_left() == (0, 0)


def test_after_a_killed_worker_the_next_patient_books_that_slot(server, database_url):
    url, master = server
    held = HeldBooking(url, database_url)
    os.kill(worker_pids(master)[0], signal.SIGKILL)
    held.release()
    # gunicorn's master starts a new worker; the slot is free again.
    wait_until(
        lambda: requests.get(url + "/healthz", timeout=5).status_code == 200, timeout=30, what="worker"
    )
    nxt = Patient(url)
    nxt.open_form()
    assert nxt.book(held.slot).status_code == 303


def test_a_database_connection_cut_mid_booking_leaves_no_partial_rows(server, database_url):
    url, _ = server
    held = HeldBooking(url, database_url)
    sql(database_url, "SELECT pg_terminate_backend(%s)", held.backend_pid)
    held.release()
    assert held.rows_left() == (0, 0)


def test_after_a_cut_connection_the_same_worker_books_the_next_patient(server, database_url):
    url, master = server
    workers_before = worker_pids(master)
    held = HeldBooking(url, database_url)
    sql(database_url, "SELECT pg_terminate_backend(%s)", held.backend_pid)
    held.release()
    nxt = Patient(url)
    nxt.open_form()
    assert nxt.book(held.slot).status_code == 303
    assert worker_pids(master) == workers_before  # no restart was needed
