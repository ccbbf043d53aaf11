"""Calendar sync cost with many events (a benchmark, not a test).

Builds the demo clinic in a throwaway SQLite database, starts Radicale on a free loopback port,
fills a therapist's calendar with N events (a fifth of them weekly series with an EXDATE), connects
it and times sync passes: the first (everything), one with nothing changed (sync-token), one after
10 events changed, a full fallback pass (the token refused), and one that writes 20 new visits.
Also the booking page and the private feed with those busy times and visits. Prints a table and
appends it to bench/RESULTS.md (skip with --no-record).

    .venv/bin/python bench/calendar_sync.py [--events 500] [--no-record]

Everything it starts it stops (Radicale by its PID); everything it writes is in a temporary folder.
"""

# ruff: noqa: S106 - Radicale without authentication: the password and token are placeholders

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--no-record", action="store_true")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="clinic-calendar-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "clinic.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    import django  # noqa: PLC0415 - configured from the environment set just above

    django.setup()
    from tests.booking.calendars.conftest import Radicale  # noqa: PLC0415

    server = Radicale(work)
    server.start()
    try:
        rows = run(server, options.events)
    finally:
        server.stop()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout.strip()
    table = "\n".join(f"| {what} | {value} |" for what, value in rows)
    report = (
        f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: calendar sync with {options.events} events "
        f"(commit {commit})\n\n`bench/calendar_sync.py`: demo clinic, SQLite, Radicale 3.9 on loopback "
        f"(filesystem storage), caldav 3.6; Python {platform.python_version()}, a shared 2-CPU machine.\n\n"
        f"| what | measured |\n| --- | ---: |\n{table}\n"
    )
    print(report)  # noqa: T201
    if not options.no_record:
        with open(REPO / "bench" / "RESULTS.md", "a") as results:
            results.write(report)


def run(server, count: int) -> list[tuple[str, str]]:
    import random  # noqa: PLC0415

    import caldav  # noqa: PLC0415

    from django.contrib.auth.models import Group, User  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection as db  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from booking.calendars import services, sync  # noqa: PLC0415
    from booking.calendars.feed import feed_url  # noqa: PLC0415
    from booking.calendars.models import BusyTime, CalendarConnection  # noqa: PLC0415
    from booking.models import DiscoveryVisitPage  # noqa: PLC0415
    from booking.slots import slot_value  # noqa: PLC0415
    from tests.booking.calendars.conftest import vevent  # noqa: PLC0415
    from tests.booking.conftest import form_data  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    call_command("load_demo_content", stdout=open(os.devnull, "w"))  # noqa: SIM115
    user = User.objects.create_user("ashley", first_name="Ashley", last_name="Kranz")
    user.groups.add(Group.objects.get(name="Front desk"))
    client = caldav.DAVClient(url=server.url, username="ashley", password="x", enable_rfc6764=False)
    calendar = client.principal().make_calendar(name="Work")
    random.seed(17)
    today = timezone.localdate()
    tz = timezone.get_default_timezone()
    started = time.monotonic()
    for n in range(count):
        day = today + timedelta(days=random.randrange(0, 60))
        start = datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(
            minutes=30 * random.randrange(14, 40)
        )
        extra = ""
        if n % 5 == 0:
            skipped = start + timedelta(days=14)
            extra = f"RRULE:FREQ=WEEKLY;COUNT=10\nEXDATE;TZID=America/New_York:{skipped:%Y%m%dT%H%M%S}"
        calendar.save_event(vevent(f"bench-{n}", start, start + timedelta(minutes=60), extra=extra))
    filled = time.monotonic() - started
    connection = services.calendar_connect(user=user, url=str(calendar.url), username="ashley", password="x")
    rows = [(f"filling the calendar ({count} PUTs, not our cost)", f"{filled:.1f} s")]

    def timed_pass(label):
        connection.refresh_from_db()
        result = sync.sync_connection(connection)
        assert result.ok, result.error
        rows.append(
            (
                label,
                f"{result.seconds * 1000:.0f} ms ({result.read} read, {result.events} events, "
                f"{result.busy} busy times, {result.written} written)",
            )
        )
        return result

    timed_pass("first pass: every event read, expanded and stored")
    timed_pass("next pass, nothing changed (sync-token)")
    for n in range(10):
        event = calendar.get_event_by_uid(f"bench-{n + 1}")
        event.icalendar_component["SUMMARY"] = "Changed"
        event.save()
    timed_pass("pass after 10 events changed")
    page = DiscoveryVisitPage.objects.get()
    browser = Client()
    for n, slot in enumerate(page.free_slots()[:20]):
        browser.post(page.url, form_data(slot_value(slot.start), email=f"p{n}@example.com"))
    timed_pass("pass after 20 visits were booked (each written at booking by the push task)")
    CalendarConnection.objects.filter(pk=connection.pk).update(
        sync_token="http://radicale.org/ns/sync/expired"
    )
    timed_pass("full fallback pass (token refused)")
    timed_pass("next pass: asks for a fresh sync-token, so everything once more")
    timed_pass("next pass, nothing changed (sync-token)")

    rows.append(("busy times stored", str(BusyTime.objects.count())))
    for label, url in [
        ("/book/", page.url),
        ("/book/ times of one day", page.url + "times/?day=" + (today + timedelta(days=3)).isoformat()),
    ]:
        browser.get(url)
        samples = []
        for _ in range(10):
            with CaptureQueriesContext(db) as queries:
                began = time.monotonic()
                assert browser.get(url).status_code in (200, 404)
                samples.append(time.monotonic() - began)
        rows.append(
            (
                f"{label} with those busy times (median of 10)",
                f"{sorted(samples)[5] * 1000:.0f} ms, {len(queries)} queries",
            )
        )
    feed = services.calendar_feed_get_or_create(user=user)
    path = feed_url(feed).split("://", 1)[1].split("/", 1)[1]
    samples = []
    for _ in range(10):
        began = time.monotonic()
        response = browser.get("/" + path)
        samples.append(time.monotonic() - began)
    rows.append(
        (
            "private feed, 20 visits (median of 10)",
            f"{sorted(samples)[5] * 1000:.0f} ms, {len(response.content)} bytes",
        )
    )
    began = time.monotonic()
    again = browser.get("/" + path, HTTP_IF_NONE_MATCH=response["ETag"])
    rows.append(
        ("private feed, conditional GET", f"{(time.monotonic() - began) * 1000:.0f} ms, {again.status_code}")
    )
    return rows


if __name__ == "__main__":
    main()
