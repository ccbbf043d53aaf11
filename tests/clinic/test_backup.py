"""Backups' own rules, without a site: which archives the retention keeps, and that a damaged,
incomplete or hostile archive is refused before anything is restored (clinic/backups/)."""

import io
import json
import shlex
import sqlite3
import tarfile
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from django.core.management import call_command
from django.core.management.base import CommandError

from clinic.backups import archive, database
from clinic.backups.retention import backups_to_keep
from clinic.management.commands.backup import Command as BackupCommand
from tests.booking.live_server import manage
from tests.clinic.test_scheduler import unit

NIGHTLY = [datetime(2026, 12, 7, 3, 15, tzinfo=UTC) - timedelta(days=n) for n in range(800)]


def days(moments) -> set[date]:
    return {moment.date() for moment in moments}


def test_retention_keeps_the_newest_of_the_last_7_days_4_weeks_and_12_months():
    kept = backups_to_keep(NIGHTLY, daily=7, weekly=4, monthly=12)
    last_seven = {date(2026, 12, day) for day in range(1, 8)}
    # 2026-12-07 is a Monday: the three weeks before end on Sundays (Dec 6 is also a daily).
    sundays = {date(2026, 11, 29), date(2026, 11, 22)}
    month_ends = {date(2026, month, 1) - timedelta(days=1) for month in range(2, 13)}  # Jan 31 .. Nov 30
    assert days(kept) == last_seven | sundays | month_ends


def test_retention_counts_periods_that_have_a_backup_not_calendar_periods():
    # The server was off for three months: the 12 monthly backups reach further back.
    moments = [m for m in NIGHTLY if not date(2026, 6, 1) <= m.date() <= date(2026, 8, 31)]
    kept = backups_to_keep(moments, daily=0, weekly=0, monthly=12)
    assert min(days(kept)) == date(2025, 10, 31)


def test_retention_keeps_only_the_newest_of_two_backups_on_one_day():
    morning, evening = datetime(2026, 12, 7, 3, tzinfo=UTC), datetime(2026, 12, 7, 15, tzinfo=UTC)
    assert backups_to_keep([morning, evening], daily=7, weekly=4, monthly=12) == {evening}


def test_prune_deletes_archives_past_the_retention_and_nothing_else(tmp_path):
    for moment in NIGHTLY[:60]:
        (tmp_path / archive.archive_name(moment, encrypted=True)).write_bytes(b"x")
    others = ["notes.txt", "clinic-20261207T031500Z.tar.gpg.partial", "clinic-latest.tar.gpg"]
    for name in others:
        (tmp_path / name).write_text("keep me")
    deleted = archive.prune(tmp_path, daily=7, weekly=4, monthly=12)
    remaining = sorted(path.name for path in tmp_path.iterdir())
    assert len(deleted) == 60 - 11  # 7 days, 2 more Sundays, 2 more month ends (Nov 30, Oct 31)
    assert set(others) <= set(remaining)
    assert "clinic-20261130T031500Z.tar.gpg" in remaining


def _archive(tmp_path, members: dict[str, bytes], manifest: dict | None = None):
    path = tmp_path / "clinic-20261207T031500Z.tar"
    with tarfile.open(path, "w") as tar:
        for name, data in {
            **members,
            **({archive.MANIFEST: json.dumps(manifest).encode()} if manifest else {}),
        }.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _written(tmp_path, media: list[tuple[str, bytes]]):
    """An archive as `manage.py backup --no-encryption` writes it, of a one-table SQLite database."""
    dump = tmp_path / "database.sqlite3"
    with closing(sqlite3.connect(dump)) as copy, copy:
        copy.execute("CREATE TABLE booking_visitrequest (id integer primary key)")
        copy.executemany("INSERT INTO booking_visitrequest VALUES (?)", [(1,), (2,)])
    path = tmp_path / archive.archive_name(datetime.now(UTC), encrypted=False)
    with archive.sink(path, recipient=None) as out:
        archive.write(out, database_file=dump, vendor="sqlite", rows={"booking_visitrequest": 2}, media=media)
    return path


def test_an_archive_reads_back_with_its_media_and_row_counts(tmp_path):
    path = _written(tmp_path, [("images/a.webp", b"rendition"), ("original_images/k/a.png", b"original")])
    with archive.opened(path) as (folder, manifest):
        assert dict(archive.media_in(folder, manifest)) == {
            "images/a.webp": b"rendition",
            "original_images/k/a.png": b"original",
        }
        assert manifest["database"]["rows"] == {"booking_visitrequest": 2}


def test_a_file_deleted_while_the_backup_ran_is_left_out(tmp_path):
    path = _written(tmp_path, [("images/gone.webp", None), ("images/a.webp", b"x")])
    with archive.opened(path) as (folder, manifest):
        assert [name for name, _ in archive.media_in(folder, manifest)] == ["images/a.webp"]


def test_a_damaged_member_is_refused(tmp_path):
    good = _written(tmp_path, [("images/a.webp", b"rendition")])
    with archive.opened(good) as (folder, manifest):
        members = {name: (folder / name).read_bytes() for name in manifest["files"]}
    members["media/images/a.webp"] = b"renditioN"
    with pytest.raises(CommandError, match="damaged"), archive.opened(_archive(tmp_path, members, manifest)):
        pass


def test_an_archive_cut_short_has_no_manifest_and_is_refused(tmp_path):
    path = _archive(tmp_path, {"database.sqlite3": b"SQLite format 3\x00"})
    with pytest.raises(CommandError, match="incomplete"), archive.opened(path):
        pass


def test_a_member_outside_the_folder_is_refused(tmp_path):
    path = _archive(tmp_path, {"../../escaped.txt": b"x"}, {"format": 1, "files": {}})
    with pytest.raises(CommandError, match="cannot be read"), archive.opened(path):
        pass
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_a_partial_archive_never_takes_the_final_name(tmp_path):
    path = tmp_path / "clinic-20261207T031500Z.tar"
    with pytest.raises(RuntimeError), archive.sink(path, recipient=None) as out:
        out.write(b"half an archive")
        raise RuntimeError("disk full")
    assert list(tmp_path.iterdir()) == []


def test_production_backs_up_every_night_from_a_systemd_timer_with_the_commands_own_arguments():
    timer, service = unit("clinic-backup.timer"), unit("clinic-backup.service")
    assert timer["Timer"]["OnCalendar"] == "*-*-* 03:15:00"
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Timer"]["Unit"] == "clinic-backup.service"
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["UMask"] == "0077"
    program, manage_py, *arguments = shlex.split(service["Service"]["ExecStart"])
    assert manage_py == "manage.py"
    assert arguments[0] == "backup"
    options = BackupCommand().create_parser("manage.py", "backup").parse_args(arguments[1:])
    assert options.to == Path("/var/backups/clinic")
    assert options.keep_daily == 7
    assert options.keep_weekly == 4
    assert options.keep_monthly == 12
    assert not options.no_encryption
    worker = unit("clinic-worker.service")
    for key in ("User", "WorkingDirectory", "EnvironmentFile"):
        assert service["Service"][key] == worker["Service"][key]


def test_a_backup_without_a_key_is_refused_it_would_hold_patient_data_in_clear(tmp_path, monkeypatch):
    monkeypatch.delenv("BACKUP_GPG_RECIPIENT", raising=False)
    with pytest.raises(CommandError, match="encrypted"):
        call_command("backup", to=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_verify_only_reads_the_whole_archive_and_writes_nothing(tmp_path):
    path = _written(tmp_path, [("images/a.webp", b"rendition")])
    target = tmp_path / "restored.sqlite3"
    out = manage(f"sqlite:///{target}", "restore", str(path), "--verify-only")
    assert "The backup is whole: 1 tables (2 rows, sqlite) and 1 media files" in out
    assert not (tmp_path / "media").exists()


def test_a_restore_refuses_a_database_that_has_tables_and_leaves_it_as_it_was(tmp_path):
    path = _written(tmp_path, [])
    live = tmp_path / "live.sqlite3"
    with closing(sqlite3.connect(live)) as copy, copy:
        copy.execute("CREATE TABLE wagtailcore_page (id integer primary key)")
        copy.execute("INSERT INTO wagtailcore_page VALUES (7)")
    with pytest.raises(RuntimeError, match="already has 1 tables"):
        manage(f"sqlite:///{live}", "restore", str(path))
    with closing(sqlite3.connect(live)) as copy:
        assert copy.execute("SELECT id FROM wagtailcore_page").fetchall() == [(7,)]
        assert copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall() == [
            ("wagtailcore_page",)
        ]


def test_a_restore_of_a_damaged_sqlite_copy_is_refused_before_anything_is_written(tmp_path):
    dump = tmp_path / "database.sqlite3"
    dump.write_bytes(b"not a database at all" * 100)
    with pytest.raises(CommandError, match="damaged"):
        database.verify("sqlite", dump)
