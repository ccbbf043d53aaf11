"""The database's part of a backup: `pg_dump` in its custom format on PostgreSQL (restored with
`pg_restore` into a new, empty database), SQLite's online backup API on SQLite (safe while the
site serves). Both also count every table's rows in the copy, so a restore can prove it is whole."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.client import DatabaseClient

DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


def cache_tables() -> set[str]:
    """Tables of the database cache: their rows are thrown away (a restored site starts cold)."""
    return {
        cache["LOCATION"]
        for cache in settings.CACHES.values()
        if cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    }


def dump(connection: BaseDatabaseWrapper, folder: Path) -> tuple[Path, dict[str, int]]:
    """Write the database to `folder`; returns the file and each table's row count in it."""
    if connection.vendor not in DUMP_NAMES:
        raise CommandError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    target = folder / DUMP_NAMES[connection.vendor]
    if connection.vendor == "postgresql":
        return target, _pg_dump(connection, target)
    return target, _sqlite_dump(connection, target)


def load(connection: BaseDatabaseWrapper, vendor: str, dump_file: Path) -> None:
    """Restore `dump_file` into the configured database, which must be empty."""
    if vendor != connection.vendor:
        raise CommandError(
            f"The backup is of a {vendor} database; this site is configured for {connection.vendor} "
            "(DATABASE_URL)."
        )
    tables = connection.introspection.table_names()
    if tables:
        raise CommandError(
            f"The database {connection.settings_dict['NAME']} already has {len(tables)} tables. A restore "
            "goes into a new, empty database (createdb, or a new SQLite file): nothing is overwritten."
        )
    if vendor == "postgresql":
        _pg_restore(connection, dump_file)
    else:
        _sqlite_restore(connection, dump_file)


def verify(vendor: str, dump_file: Path) -> None:
    """Read the whole dump back without restoring it; raises CommandError when it is damaged."""
    if vendor == "postgresql":
        _run(["pg_restore", "--list", str(dump_file)], what="pg_restore --list")
        return
    copy = sqlite3.connect(f"file:{dump_file}?mode=ro", uri=True)
    try:
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        result = str(error)
    finally:
        copy.close()
    if result != "ok":
        raise CommandError(f"The SQLite copy is damaged: {result}")


def row_counts(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows in every table of the configured database (cache tables left out)."""
    return _count(connection.cursor(), connection.introspection.table_names(), connection.ops.quote_name)


def _count(cursor, tables, quote) -> dict[str, int]:
    counts = {}
    for table in sorted(set(tables) - cache_tables()):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - names from the schema
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_dump(connection: BaseDatabaseWrapper, target: Path) -> dict[str, int]:
    # pg_dump reads one snapshot; counting in a transaction that exports it and handing it to
    # pg_dump makes the counts those of the dump, however many bookings arrive meanwhile.
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)
        arguments = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"]
        arguments += [f"--exclude-table-data={table}" for table in sorted(cache_tables())]
        _run([*arguments, f"--file={target}"], what="pg_dump", env=_pg_env(connection))
    return counts


def _pg_restore(connection: BaseDatabaseWrapper, dump_file: Path) -> None:
    connection.close()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--jobs={max(1, min(4, os.cpu_count() or 1))}",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump_file),
        ],
        what="pg_restore",
        env=_pg_env(connection),
    )


def _pg_env(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """Where and who to connect as, in the environment (a password on the command line would
    show in `ps`): Django's own mapping for psql (`manage.py dbshell`), plus host, port and user."""
    settings_dict = connection.settings_dict
    _, secrets = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(secrets or {})}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGDATABASE", "NAME")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _sqlite_dump(connection: BaseDatabaseWrapper, target: Path) -> dict[str, int]:
    source = sqlite3.connect(connection.settings_dict["NAME"], timeout=30)
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1): a single read transaction, so the copy is one consistent moment;
        # in WAL mode (clinic.settings.base) writers carry on meanwhile.
        source.backup(copy, pages=-1)
        for table in cache_tables():
            copy.execute(f'DELETE FROM "{table}"')  # noqa: S608 - a name from the settings
        copy.commit()
        tables = [row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return _count(copy.cursor(), [t for t in tables if not t.startswith("sqlite_")], lambda n: f'"{n}"')
    finally:
        copy.close()
        source.close()


def _sqlite_restore(connection: BaseDatabaseWrapper, dump_file: Path) -> None:
    connection.close()
    source = sqlite3.connect(f"file:{dump_file}?mode=ro", uri=True)
    target = sqlite3.connect(connection.settings_dict["NAME"])
    try:
        source.backup(target, pages=-1)
    finally:
        target.close()
        source.close()


def _run(arguments: list[str], *, what: str, env: dict[str, str] | None = None) -> None:
    program = shutil.which(arguments[0])
    if program is None:
        raise CommandError(f"{arguments[0]} is not installed (Debian: apt-get install postgresql-client).")
    result = subprocess.run(  # noqa: S603 - fixed programs, arguments from settings
        [program, *arguments[1:]], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise CommandError(f"{what} failed:\n{result.stderr.strip()}")
