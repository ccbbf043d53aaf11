"""Scheduled articles go live on time without a hand-run command: `run_scheduler` runs
`publish_scheduled` every minute beside `make run` (tests/test_make_run.py runs it there), and in
production a systemd timer runs it every minute."""

import configparser
import io
from datetime import timedelta
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

from wagtail.models import Revision

from tests.factories import BlogIndexPageFactory, BlogPageFactory

SYSTEMD = Path(__file__).resolve().parents[2] / "deploy" / "systemd"


def scheduled_article(home, *, go_live_in: timedelta):
    article = BlogPageFactory(parent=BlogIndexPageFactory(parent=home), slug="scheduled", live=False)
    article.save_revision(approved_go_live_at=timezone.now() + go_live_in)
    return article


def test_the_scheduler_publishes_what_is_due_each_time_it_runs(client, home):
    article = scheduled_article(home, go_live_in=timedelta(hours=1))
    call_command("run_scheduler", every=0.05, times=2, stdout=io.StringIO())
    article.refresh_from_db()
    assert not article.live  # not yet due
    Revision.objects.filter(object_id=str(article.pk)).update(
        approved_go_live_at=timezone.now() - timedelta(seconds=1)
    )
    call_command("run_scheduler", every=0.05, times=1, stdout=io.StringIO())
    article.refresh_from_db()
    assert article.live
    assert client.get("/blog/scheduled/").status_code == 200


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(SYSTEMD / name)
    return parser


def test_production_runs_publish_scheduled_every_minute_from_a_systemd_timer():
    timer = unit("clinic-publish-scheduled.timer")
    service = unit("clinic-publish-scheduled.service")
    assert timer["Timer"]["OnCalendar"] == "*-*-* *:*:00"  # every minute, on the minute
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Timer"]["Unit"] == "clinic-publish-scheduled.service"
    assert timer["Install"]["WantedBy"] == "timers.target"
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"].endswith("manage.py publish_scheduled")
    # As the other units: the application's user, directory and environment.
    worker = unit("clinic-worker.service")
    for key in ("User", "WorkingDirectory", "EnvironmentFile"):
        assert service["Service"][key] == worker["Service"][key]


def test_production_syncs_calendars_every_five_minutes_from_a_systemd_timer():
    """The task worker has no clock of its own: the periodic calendar pass is a timer, as
    publishing is (issue 17; "Sync now" in the admin goes through the worker)."""
    timer = unit("clinic-calendar-sync.timer")
    service = unit("clinic-calendar-sync.service")
    assert timer["Timer"]["OnUnitActiveSec"] == "5min"
    assert timer["Timer"]["OnBootSec"]  # and once after boot, before the first interval
    assert timer["Install"]["WantedBy"] == "timers.target"
    # Without Unit=, a timer starts the service of its own name.
    assert timer["Timer"].get("Unit", "clinic-calendar-sync.service") == "clinic-calendar-sync.service"
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"].endswith("manage.py sync_calendars")
    worker = unit("clinic-worker.service")
    for key in ("User", "WorkingDirectory", "EnvironmentFile"):
        assert service["Service"][key] == worker["Service"][key]
