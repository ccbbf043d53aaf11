"""A real multi-process server (gunicorn, 4 workers) on its own throwaway database, and patients
that talk to it over HTTP, each with their own session, CSRF token and one-time form token."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
JUST_TAKEN = "that time was just taken, please pick another"


def _env(database_url: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="clinic.settings.test",
        DATABASE_URL=database_url,
        BOOKING_RATE_LIMIT="0",
        BOOKING_MIN_FILL_SECONDS="0",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(database_url: str, *args: str, **extra: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=_env(database_url, **extra),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare_database(database_url: str) -> None:
    """Migrate, create the cache table and load the demo clinic (booking page at /book/)."""
    manage(database_url, "migrate", "--noinput", "-v0")
    manage(database_url, "createcachetable", TEST_SHARED_CACHE="1")
    manage(database_url, "load_demo_content")
    # Two months of weekday slots: plenty for 200 different bookings whatever today is.
    shell(
        database_url, "from booking.models import DiscoveryVisitPage as P; P.objects.update(horizon_days=60)"
    )


def shell(database_url: str, code: str) -> str:
    return manage(database_url, "shell", "-c", code)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, *, workers: int = 4, **extra: str):
    port = free_port()
    log = open(ROOT / f".gunicorn-{port}.log", "w+")  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "clinic.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "512",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=_env(database_url, **extra),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(url + "/healthz", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError("gunicorn did not start:\n" + log.read()[-3000:])
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        (ROOT / f".gunicorn-{port}.log").unlink(missing_ok=True)


@dataclass
class Patient:
    """One simulated patient with their own browser session."""

    base_url: str
    name: str = field(default_factory=lambda: "P" + uuid.uuid4().hex[:8])
    session: requests.Session = field(default_factory=requests.Session)
    hidden: dict = field(default_factory=dict)
    slots: list = field(default_factory=list)

    def open_form(self) -> None:
        response = self.session.get(self.base_url + "/book/", timeout=60)
        response.raise_for_status()
        html = response.text
        for name in ("csrfmiddlewaretoken", "form_token", "started"):
            self.hidden[name] = re.search(rf'name="{name}" value="([^"]+)"', html).group(1)
        self.slots = re.findall(r'name="slot" id="slot-\d+-\d+" value="([^"]+)"', html)

    def book(self, slot: str) -> requests.Response:
        data = {
            **self.hidden,
            "slot": slot,
            "first_name": self.name,
            "last_name": "Runner",
            "email": f"{self.name.lower()}@example.com",
            "phone": "(954) 555-0123",
            "concern": "hip",
            "preferred_contact": "email",
            "consent": "on",
        }
        return self.session.post(self.base_url + "/book/", data=data, allow_redirects=False, timeout=120)
