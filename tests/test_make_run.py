"""A newcomer's `make run`, for real, on another port: it says where it serves (the demo and the
admin's sign-in), serves there, publishes a scheduled article by itself (run_scheduler beside the
server), and Ctrl-C stops the server and the scheduler. On a copy of the test database with the
demo loaded, so nothing is migrated from scratch and the developer's db.sqlite3 is left alone."""

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from blog.models import BlogIndexPage
from tests.factories import BlogPageFactory

ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 240  # make's steps on a busy shared machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def group_alive(pgid: int) -> list[str]:
    """The processes of process group `pgid` still running (zombies, which only wait to be
    reaped, are not), as their command lines."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state != "Z":
            alive.append(cmdline)
    return alive


@pytest.fixture
def demo_database(transactional_db, tmp_path):
    """The demo clinic with an article due to go live in a moment, in an SQLite file."""
    if connection.vendor != "sqlite":
        pytest.skip("make run serves SQLite; the suite's SQLite run covers it")
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    call_command("load_demo_content", stdout=open(os.devnull, "w"))  # noqa: SIM115
    article = BlogPageFactory(
        parent=BlogIndexPage.objects.get(locale__language_code="en"),
        title="Taper week",
        slug="taper-week",
        live=False,
    )
    article.save_revision(approved_go_live_at=timezone.now() + timedelta(seconds=1))
    path = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    return path


def test_make_run_on_another_port_says_so_serves_there_and_publishes_scheduled_articles(demo_database):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL", "CLINIC_PUBLIC_URL", "DATABASE_URL"}
    }
    env.update(DATABASE_URL=f"sqlite:///{demo_database}", DEMO_ADMIN_PASSWORD="newcomer-password-1")
    make = subprocess.Popen(  # noqa: S603
        # -o: the shared virtualenv is installed; never reinstall it from a test.
        ["make", "-o", ".venv/bin/.installed", "run", f"PORT={port}"],  # noqa: S607
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives it: Ctrl-C reaches all
    )
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(make.stdout), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                home = requests.get(base + "/", timeout=5)
                break
            except requests.ConnectionError:
                assert make.poll() is None, "".join(output)
                time.sleep(1)
        else:
            pytest.fail("make run did not serve in time:\n" + "".join(output))
        assert home.status_code == 200
        assert "Ageless Agility" in home.text
        printed = "".join(output)
        assert f"Demo content ready: {base}/" in printed
        assert f"Log into {base}/admin/" in printed
        assert "127.0.0.1:8000" not in printed

        # Nobody runs publish_scheduled: the scheduler beside the server does.
        for _ in range(60):
            if requests.get(base + "/blog/taper-week/", timeout=5).status_code == 200:
                break
            time.sleep(1)
        else:
            pytest.fail("The scheduled article did not go live:\n" + "".join(output))

        os.killpg(make.pid, signal.SIGINT)  # Ctrl-C in the terminal
        make.wait(timeout=60)
        for _ in range(20):
            if not group_alive(make.pid):
                break
            time.sleep(0.5)
        assert group_alive(make.pid) == []
    finally:
        if group_alive(make.pid):
            os.killpg(make.pid, signal.SIGKILL)  # only the processes this test started
        make.wait(timeout=30)


@pytest.mark.parametrize(("args", "served"), [([], "127.0.0.1:8000"), (["PORT=19150"], "127.0.0.1:19150")])
def test_make_help_names_where_make_run_serves(args, served):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    listed = subprocess.run(  # noqa: S603
        ["make", "help", *args],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,  # noqa: S607
    ).stdout
    assert f"serve the demo site on http://{served} (SQLite)" in listed
    assert "$(" not in listed
