"""`manage.py backup --to DIR`: the database and every uploaded file in one archive, encrypted to
the backup key, then older archives in DIR thinned to the retention (docs/operations.md)."""

import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from clinic.backups import archive, database, media


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded media into one archive in --to, encrypted with gpg to "
        "--recipient (or BACKUP_GPG_RECIPIENT); then keep the newest of the last 7 days, 4 weeks and "
        "12 months there and delete the other archives."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, type=Path, help="folder the archives are kept in")
        parser.add_argument(
            "--recipient",
            default=os.environ.get("BACKUP_GPG_RECIPIENT") or None,
            help="gpg key (fingerprint or e-mail) to encrypt to; only its public part is needed here",
        )
        parser.add_argument(
            "--no-encryption",
            action="store_true",
            help="write a plain archive (a test copy on a developer's machine: it holds patients' data)",
        )
        parser.add_argument("--keep-daily", type=int, default=7)
        parser.add_argument("--keep-weekly", type=int, default=4)
        parser.add_argument("--keep-monthly", type=int, default=12)
        parser.add_argument("--no-prune", action="store_true", help="delete no older archive")

    def handle(self, *args, to: Path, recipient, no_encryption, **options):
        if not recipient and not no_encryption:
            raise CommandError(
                "Backups hold patients' health data and are written encrypted: give --recipient (or set "
                "BACKUP_GPG_RECIPIENT) to the backup key, or --no-encryption for a throwaway test copy."
            )
        if recipient and no_encryption:
            raise CommandError("--recipient and --no-encryption contradict each other.")
        to.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        path = to / archive.archive_name(datetime.now(UTC), encrypted=bool(recipient))
        if path.exists():
            raise CommandError(f"{path} exists already (two backups in the same second?).")
        work = Path(tempfile.mkdtemp(prefix="clinic-backup-"))
        try:
            # The database first, then the files: every file a row of the dump refers to is still
            # in the store when it is listed (files are never changed in place, only added/deleted).
            dump_file, rows = database.dump(connection, work)
            dumped = time.monotonic()
            with archive.sink(path, recipient=recipient) as out:
                manifest = archive.write(
                    out,
                    database_file=dump_file,
                    vendor=connection.vendor,
                    rows=rows,
                    media=media.read_all(default_storage, media.names(default_storage)),
                )
        finally:
            shutil.rmtree(work, ignore_errors=True)
        media_files = [entry for name, entry in manifest["files"].items() if name.startswith(archive.MEDIA)]
        media_bytes = sum(entry["bytes"] for entry in media_files)
        self.stdout.write(
            f"Backed up {len(rows)} tables ({sum(rows.values()):,} rows) and {len(media_files):,} media "
            f"files ({media_bytes / 1e6:,.1f} MB) to {path} "
            f"({path.stat().st_size / 1e6:,.1f} MB{'' if recipient else ', NOT encrypted'}) in "
            f"{time.monotonic() - started:.1f} s (database dump {dumped - started:.1f} s)."
        )
        if not options["no_prune"]:
            keep = {kind: options[f"keep_{kind}"] for kind in ("daily", "weekly", "monthly")}
            for old in archive.prune(to, **keep):
                self.stdout.write(f"Deleted {old.name} (past the retention).")
