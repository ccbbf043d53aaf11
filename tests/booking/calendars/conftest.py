"""A real CalDAV server for the calendar tests: Radicale, started once per test session (per
xdist worker) on a free loopback port and stopped by its PID. Skipped with the reason when Radicale
is not installed, an error instead under REQUIRE_SERVICES=1 (CI)."""

import importlib.util
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import datetime

import caldav
import pytest

from django.contrib.auth.models import Group

from booking.calendars import services
from tests.booking.live_server import free_port

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
APP_PASSWORD = "app-password-7731"  # noqa: S105 - Radicale without auth takes any


def unavailable(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)")
    pytest.skip(reason)


class Radicale:
    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process = None

    def start(self):
        self.log = open(self.folder / "radicale.log", "w+")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                sys.executable,
                "-m",
                "radicale",
                "--server-hosts",
                f"127.0.0.1:{self.port}",
                "--auth-type",
                "none",
                "--storage-filesystem-folder",
                str(self.folder / "collections"),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"Radicale exited:\n{self.log.read()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("Radicale did not start within 20 s")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="session")
def radicale(tmp_path_factory):
    if importlib.util.find_spec("radicale") is None:
        unavailable("Radicale is not installed (pip install -r requirements.txt)")
    server = Radicale(tmp_path_factory.mktemp("radicale"))
    server.start()
    yield server
    server.stop()


class Owner:
    """A therapist's account on the CalDAV server, with one calendar, driven as her calendar app
    would: add, change and delete events."""

    def __init__(self, server_url: str):
        self.username = f"therapist-{uuid.uuid4().hex[:8]}"
        self.client = caldav.DAVClient(
            url=server_url, username=self.username, password=APP_PASSWORD, enable_rfc6764=False
        )
        self.calendar = self.client.principal().make_calendar(name="Work")
        self.url = str(self.calendar.url)

    def add(self, text: str):
        return self.calendar.save_event(text)

    def objects(self) -> dict[str, str]:
        """{href: ics} of everything in the calendar."""
        found = self.calendar.get_objects_by_sync_token(load_objects=True)
        return {str(obj.url.canonical()): obj.data for obj in found if obj.data}

    def event_with_uid(self, uid: str):
        return self.calendar.get_event_by_uid(uid)


def vevent(uid: str, start: datetime, end: datetime, summary: str = "Busy", extra: str = "") -> str:
    """One event with times in New York (TZID), as calendar apps write them."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Therapist's app//EN",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        f"DTSTART;TZID=America/New_York:{start:%Y%m%dT%H%M%S}",
        f"DTEND;TZID=America/New_York:{end:%Y%m%dT%H%M%S}",
        f"SUMMARY:{summary}",
        *[line for line in extra.strip().splitlines() if line.strip()],
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    return "\r\n".join(line.strip() for line in lines)


@pytest.fixture
def owner(radicale):
    return Owner(radicale.url)


@pytest.fixture
def therapist(db, django_user_model):
    user = django_user_model.objects.create_user(
        username="ashley", password="pw-ashley", first_name="Ashley", last_name="Kranz"
    )
    user.groups.add(Group.objects.get(name="Front desk"))
    return user


@pytest.fixture
def connection(therapist, owner):
    return services.calendar_connect(
        user=therapist, url=owner.url, username=owner.username, password=APP_PASSWORD
    )
