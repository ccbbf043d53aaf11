"""A real multi-process server (gunicorn, 4 workers) on its own throwaway database, and patients
that talk to it over HTTP, each with their own session, CSRF token and one-time form token.
tests/scale/ starts several of these (production settings) behind Varnish."""

from __future__ import annotations

import itertools
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
JUST_TAKEN = "that time was just taken, please pick another"


TEST_SETTINGS = "clinic.settings.test"
POSTGRES_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith(("postgres://", "postgresql://"))
# The params of a module-scoped fixture whose servers need a database of their own: each database
# once per suite. The SQLite run (`make test`) takes SQLite, and a run with
# DATABASE_URL=postgres://... takes PostgreSQL only (CI runs both; each server start costs a
# fresh database, migrations and gunicorn: about 30 s).
EACH_DATABASE = [
    pytest.param(
        "sqlite", marks=pytest.mark.skipif(ON_POSTGRES, reason="the run without DATABASE_URL covers SQLite")
    ),
    pytest.param(
        "postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: set DATABASE_URL=postgres://..."),
        ],
    ),
]
# Each patient has a phone of their own: the site allows only a few active requests per number.
_PHONE_LINES = itertools.count()


def _env(database_url: str, settings: str = TEST_SETTINGS, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        DATABASE_URL=database_url,
        BOOKING_RATE_LIMIT="0",
        BOOKING_MIN_FILL_SECONDS="0",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(database_url: str, *args: str, settings: str = TEST_SETTINGS, **extra: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=_env(database_url, settings, **extra),
        capture_output=True,
        text=True,
        timeout=900,  # migrating from scratch takes minutes on a busy shared machine
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


def shell(database_url: str, code: str, **extra: str) -> str:
    return manage(database_url, "shell", "-c", code, **extra)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def postgres_database(server_url: str, prefix: str, *, template: str | None = None):
    """A throwaway database on the PostgreSQL server of `server_url`, dropped afterwards; a copy of
    the database at `template` (a URL) when given, which is much faster than migrating again."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin_url = server_url.rsplit("/", 1)[0] + "/postgres"
    copy = f' TEMPLATE "{template.rsplit("/", 1)[1]}"' if template else ""
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"{copy}')
    try:
        yield server_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def prepared_database(kind: str, name: str, tmp_path_factory):
    """A throwaway database of `kind` (an EACH_DATABASE param) with the demo clinic: a SQLite file,
    or a PostgreSQL database `clinic_<name>` dropped afterwards."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp(name) / 'db.sqlite3'}"
        prepare_database(url)
        yield url
        return
    with postgres_database(POSTGRES_URL, f"clinic_{name}") as url:
        prepare_database(url)
        yield url


@contextmanager
def gunicorn(database_url: str, *, workers: int = 4, **extra: str):
    with gunicorn_process(database_url, workers=workers, **extra) as (url, _process):
        yield url


@contextmanager
def gunicorn_process(database_url: str, *, workers: int = 4, settings: str = TEST_SETTINGS, **extra: str):
    """gunicorn serving the site as deployed (deploy/gunicorn.conf.py); yields its URL and the
    master process (its workers are children)."""
    port = free_port()
    log = open(ROOT / f".gunicorn-{port}.log", "w+")  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "--config",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "clinic.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "512",
            "--timeout",
            "60",
            # Several test servers at once must not take over each other's control socket.
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=_env(database_url, settings, **extra),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # workers boot slowly on a busy CI machine
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
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.seek(0)
        output = log.read()
        if "Traceback" in output:  # a 500 in a test is easier to fix with its traceback at hand
            sys.stderr.write(f"\n--- gunicorn {url} logged errors:\n{output[-6000:]}\n")
        log.close()
        (ROOT / f".gunicorn-{port}.log").unlink(missing_ok=True)


class _LoopbackCookieJar(requests.cookies.RequestsCookieJar):
    """Production cookies are Secure; keep them sendable to plain-HTTP loopback test servers.
    (A cookie policy would not do: requests copies cookies into a fresh jar for each request.)"""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


def loopback_session() -> requests.Session:
    """A browser-like session for servers running the production settings over plain HTTP."""
    session = requests.Session()
    session.cookies = _LoopbackCookieJar()
    return session


@dataclass
class Patient:
    """One simulated patient with their own browser session."""

    base_url: str
    name: str = field(default_factory=lambda: "P" + uuid.uuid4().hex[:8])
    phone: str = field(default_factory=lambda: f"(954) 555-{next(_PHONE_LINES) % 10_000:04d}")
    session: requests.Session = field(default_factory=requests.Session)
    hidden: dict = field(default_factory=dict)
    slots: list = field(default_factory=list)

    def open_form(self, *, with_slots: bool = True) -> None:
        response = self.session.get(self.base_url + "/book/", timeout=60)
        response.raise_for_status()
        html = response.text
        for name in ("csrfmiddlewaretoken", "form_token", "started"):
            self.hidden[name] = re.search(rf'name="{name}" value="([^"]+)"', html).group(1)
        if with_slots:
            self.slots = free_slot_values(self.session, self.base_url)

    def book(self, slot: str) -> requests.Response:
        data = {
            **self.hidden,
            "slot": slot,
            "first_name": self.name,
            "last_name": "Runner",
            "email": f"{self.name.lower()}@example.com",
            "phone": self.phone,
            "concern": "hip",
            "preferred_contact": "email",
            "consent": "on",
        }
        return self.session.post(self.base_url + "/book/", data=data, allow_redirects=False, timeout=120)


def free_slot_values(session: requests.Session, base_url: str) -> list[str]:
    """Every free time the booking page offers, in order, read as the picker shows them: the day
    buttons page by page ("Later dates"), then each day's times from /book/times/."""
    days: list[str] = []
    page = ""
    while True:
        html = session.get(f"{base_url}/book/{page}", timeout=60).text
        days += [
            day
            for day in re.findall(r'name="day" value="(\d{4}-\d\d-\d\d)" formaction="#slot-times"', html)
            if day not in days
        ]
        later = re.search(r'name="day" value="(\d{4}-\d\d-\d\d)"[^>]*>Later dates', html)
        if not later:
            break
        page = f"?day={later.group(1)}"
    values = []
    for day in days:
        times = session.get(f"{base_url}/book/times/?day={day}", timeout=60).text
        values += re.findall(r'name="slot" value="(\d{4}-[^"]+)"', times)
    return values


def open_all(patients: list[Patient]) -> list[Patient]:
    """Every patient opens the booking form (16 at a time); the free times are read once, as
    every patient would see the same ones."""
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda p: p.open_form(with_slots=False), patients))
    if patients:
        free = free_slot_values(patients[0].session, patients[0].base_url)
        for patient in patients:
            patient.slots = list(free)
    return patients


def fire_at_once(patients: list[Patient], slots: list[str]) -> tuple[list[requests.Response], float]:
    """Every patient posts at the same instant (a barrier), each from their own thread."""
    barrier = threading.Barrier(len(patients))
    results = [None] * len(patients)

    def run(i):
        barrier.wait()
        results[i] = patients[i].book(slots[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(patients))]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, time.monotonic() - started
