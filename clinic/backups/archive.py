"""One backup is one tar archive, encrypted with GnuPG to a public key: the database dump, every
media file under `media/`, and last `manifest.json` (each member's size and SHA-256, each table's
row count). Written as a stream, so nothing unencrypted lands in the backup folder; read back
into a private temporary folder and checked against the manifest before anything is restored."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from django.core.management.base import CommandError

from .retention import backups_to_keep

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
NAME = re.compile(r"^clinic-(?P<stamp>\d{8}T\d{6}Z)\.tar(?P<encrypted>\.gpg)?$")
STAMP = "%Y%m%dT%H%M%SZ"


def archive_name(moment: datetime, *, encrypted: bool) -> str:
    return f"clinic-{moment.astimezone(UTC).strftime(STAMP)}.tar" + (".gpg" if encrypted else "")


def archives_in(folder: Path) -> dict[datetime, list[Path]]:
    """The backups in `folder` by when they were made (named by `archive_name`; nothing else)."""
    found: dict[datetime, list[Path]] = {}
    for path in folder.iterdir():
        match = NAME.match(path.name)
        if match and path.is_file():
            moment = datetime.strptime(match["stamp"], STAMP).replace(tzinfo=UTC)
            found.setdefault(moment, []).append(path)
    return found


def prune(folder: Path, *, daily: int, weekly: int, monthly: int) -> list[Path]:
    """Delete the backups in `folder` past the retention (clinic.backups.retention); returns them."""
    found = archives_in(folder)
    keep = backups_to_keep(found, daily=daily, weekly=weekly, monthly=monthly)
    deleted = []
    for moment in sorted(set(found) - keep):
        for path in found[moment]:
            path.unlink()
            deleted.append(path)
    return deleted


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def sink(path: Path, *, recipient: str | None) -> Iterator[BinaryIO]:
    """A stream that ends up at `path`: through `gpg --encrypt` to `recipient` when given. Written
    as `<path>.partial` and renamed when complete, so a backup cut short never looks whole."""
    partial = path.with_name(path.name + ".partial")
    try:
        if recipient is None:
            with open(partial, "xb") as file:
                os.chmod(partial, 0o600)
                yield file
        else:
            gpg = _gpg(
                # No compression: pg_dump's custom format and the images are compressed already (zlib
                # level 1 gained next to nothing on bench/backup_restore.py's site, for CPU time);
                # only a small site's SQLite file would shrink.
                ["--encrypt", "--recipient", recipient, "--trust-model", "always", "--compress-algo", "none"],
                "--output",
                str(partial),
                stdin=subprocess.PIPE,
            )
            try:
                yield gpg.stdin
            finally:
                gpg.stdin.close()
                _wait(gpg, "gpg --encrypt")
            os.chmod(partial, 0o600)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def write(
    out: BinaryIO,
    *,
    database_file: Path,
    vendor: str,
    rows: dict[str, int],
    media: Iterable[tuple[str, bytes | None]],
) -> dict:
    """Write the archive to `out`; returns its manifest."""
    manifest = {
        "format": FORMAT,
        "created": datetime.now(UTC).isoformat(),
        "database": {"vendor": vendor, "file": database_file.name, "rows": rows},
        "files": {},
    }
    with tarfile.open(fileobj=out, mode="w|") as tar:
        size, digest = database_file.stat().st_size, sha256_of(database_file)
        manifest["files"][database_file.name] = _file_entry(size, digest)
        tar.add(database_file, arcname=database_file.name, recursive=False, filter=_private)
        now = time.time()
        for name, data in media:
            if data is None:
                continue
            member = MEDIA + name
            manifest["files"][member] = _file_entry(len(data), hashlib.sha256(data).hexdigest())
            info = tarfile.TarInfo(member)
            info.size, info.mtime, info.mode = len(data), now, 0o600
            tar.addfile(info, io.BytesIO(data))
        text = json.dumps(manifest, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(text), now, 0o600
        tar.addfile(info, io.BytesIO(text))
    return manifest


@contextmanager
def opened(path: Path) -> Iterator[tuple[Path, dict]]:
    """The archive unpacked into a private temporary folder (removed afterwards) and its manifest,
    every file checked against it. Encrypted archives are decrypted with the key in gpg's keyring
    (GNUPGHOME): import the backup's secret key on the machine that restores."""
    if not path.is_file():
        raise CommandError(f"No backup at {path}.")
    folder = Path(tempfile.mkdtemp(prefix="clinic-restore-"))
    try:
        if path.name.endswith(".gpg"):
            # Not in batch mode: gpg may ask for the secret key's passphrase.
            gpg = _gpg(["--decrypt", str(path)], batch=False, stdout=subprocess.PIPE)
            try:
                _extract(gpg.stdout, folder)
            finally:
                gpg.stdout.close()
                _wait(gpg, "gpg --decrypt")
        else:
            with open(path, "rb") as file:
                _extract(file, folder)
        yield folder, _checked_manifest(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def media_in(folder: Path, manifest: dict) -> Iterator[tuple[str, bytes]]:
    """(storage name, content) for every media file of an opened archive."""
    for member in sorted(manifest["files"]):
        if member.startswith(MEDIA):
            yield member.removeprefix(MEDIA), (folder / member).read_bytes()


def _file_entry(size: int, sha256: str) -> dict:
    return {"bytes": size, "sha256": sha256}


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info


def _extract(stream: BinaryIO, folder: Path) -> None:
    try:
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            # The "data" filter refuses absolute names, `..`, links out of the folder and devices.
            tar.extractall(folder, filter="data")
    except tarfile.TarError as error:
        raise CommandError(f"The backup cannot be read: {error}") from error


def _checked_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (FileNotFoundError, ValueError) as error:
        raise CommandError(f"The backup has no readable {MANIFEST}: it is incomplete.") from error
    if manifest.get("format") != FORMAT:
        raise CommandError(f"Unknown backup format {manifest.get('format')!r} (this site reads {FORMAT}).")
    present = {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()} - {MANIFEST}
    listed = set(manifest["files"])
    if present != listed:
        missing, extra = sorted(listed - present), sorted(present - listed)
        raise CommandError(
            f"The backup does not match its manifest: missing {missing[:5]}, unlisted {extra[:5]}."
        )
    for member, entry in manifest["files"].items():
        if sha256_of(folder / member) != entry["sha256"]:
            raise CommandError(f"{member} in the backup is damaged (its SHA-256 differs from the manifest).")
    return manifest


def _gpg(arguments: list[str], *more: str, batch: bool = True, **popen) -> subprocess.Popen:
    program = shutil.which("gpg")
    if program is None:
        raise CommandError("gpg is not installed (Debian: apt-get install gnupg).")
    mode = ["--batch", "--yes"] if batch else []
    return subprocess.Popen([program, *mode, *arguments, *more], **popen)  # noqa: S603


def _wait(process: subprocess.Popen, what: str) -> None:
    if process.wait() != 0:
        raise CommandError(f"{what} failed (exit status {process.returncode}); see its message above.")
