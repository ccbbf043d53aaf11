"""`manage.py restore ARCHIVE`: a backup made by `manage.py backup` back into a new, empty database
and media store, checked against the backup's manifest (docs/operations.md)."""

import time
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from clinic.backups import archive, database, media


class Command(BaseCommand):
    help = (
        "Restore a backup into the configured database (DATABASE_URL: a new, empty one) and media store "
        "(DJANGO_MEDIA_ROOT or DJANGO_S3_BUCKET), and check every table's rows and every file against "
        "the backup's manifest. --verify-only reads and checks the archive and restores nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, metavar="ARCHIVE", help="clinic-<time>.tar.gpg (or .tar)")
        parser.add_argument("--verify-only", action="store_true", help="check the archive, restore nothing")

    def handle(self, *args, path: Path, verify_only: bool, **options):
        started = time.monotonic()
        with archive.opened(path) as (folder, manifest):
            vendor = manifest["database"]["vendor"]
            dump_file = folder / manifest["database"]["file"]
            database.verify(vendor, dump_file)
            expected = manifest["database"]["rows"]
            media_files = [name for name in manifest["files"] if name.startswith(archive.MEDIA)]
            summary = (
                f"{len(expected)} tables ({sum(expected.values()):,} rows, {vendor}) and "
                f"{len(media_files):,} media files, made {manifest['created']}"
            )
            if verify_only:
                self.stdout.write(
                    f"The backup is whole: {summary}; every file matches its checksum and the database "
                    f"dump reads back ({time.monotonic() - started:.1f} s)."
                )
                return
            database.load(connection, vendor, dump_file)
            restored = database.row_counts(connection)
            different = {
                table: (rows, restored.get(table))
                for table, rows in expected.items()
                if restored.get(table) != rows
            }
            if different:
                raise CommandError(f"Restored rows differ (table: in backup, restored): {different}")
            loaded = time.monotonic()
            media.write_all(default_storage, archive.media_in(folder, manifest))
        self.stdout.write(
            f"Restored {summary} in {time.monotonic() - started:.1f} s (database {loaded - started:.1f} s); "
            "every table's rows match the backup."
        )
        self.report_migrations()
        self.stdout.write(
            "Before the site serves: manage.py purge_visit_requests --older-than 365 (the backup may hold "
            "details purged since it was made) and manage.py invalidate_caches (docs/operations.md)."
        )

    def report_migrations(self) -> None:
        loader = MigrationLoader(connection)
        unknown = sorted(set(loader.applied_migrations) - set(loader.disk_migrations))
        pending = sorted(set(loader.disk_migrations) - set(loader.applied_migrations))
        if unknown:
            self.stderr.write(
                f"The backup was made by a newer version of the site ({len(unknown)} migrations this code "
                f"does not have, e.g. {unknown[0]}): deploy that version before serving it."
            )
        if pending:
            self.stdout.write(f"{len(pending)} migrations are newer than the backup: run manage.py migrate.")
