"""Uploaded media's part of a backup, through Django's storage API: the same code copies files
from and to `DJANGO_MEDIA_ROOT` on disk or an S3 bucket (`DJANGO_S3_BUCKET`, django-storages and
boto3), and a restored file is written as the site writes it (its name, its ACL, Cache-Control)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

from storages.backends.s3 import S3Storage

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.management.base import CommandError

# Files fetched or stored at once: S3 answers each request in tens of milliseconds, so one at a
# time would spend most of a backup waiting. Bounded, so memory holds a few images, not all.
PARALLEL = 8


def names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file in the store: folders walked depth first on disk; in S3 one listing of the
    bucket (1,000 keys a request), not a request per folder (every original has a folder)."""
    if isinstance(storage, S3Storage):
        prefix = f"{storage.location.strip('/')}/" if storage.location.strip("/") else ""
        for item in storage.bucket.objects.filter(Prefix=prefix):
            if not item.key.endswith("/"):
                yield item.key.removeprefix(prefix)
        return
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # no upload yet: MEDIA_ROOT not created
        return
    prefix = f"{folder}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for sub in sorted(folders):
        yield from names(storage, prefix + sub)


def read_all(storage: Storage, file_names: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
    """(name, content) for each file, in order, fetched PARALLEL at a time. None for a file
    deleted since it was listed (a rendition purged while the backup ran)."""

    def read(name: str) -> tuple[str, bytes | None]:
        try:
            with storage.open(name, "rb") as file:
                return name, file.read()
        except FileNotFoundError:
            return name, None

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        batch: list[str] = []
        for name in file_names:
            batch.append(name)
            if len(batch) == PARALLEL * 4:
                yield from pool.map(read, batch)
                batch = []
        yield from pool.map(read, batch)


def write_all(storage: Storage, files: Iterable[tuple[str, bytes]]) -> None:
    """Store each file under its own name. A file already there with the same size is left as it
    is (a restore run again after an interruption); any other file in the way is an error."""

    def write(item: tuple[str, bytes]) -> None:
        name, data = item
        if storage.exists(name):
            if storage.size(name) == len(data):
                return
            raise CommandError(f"The media store already holds another {name}: restore into an empty one.")
        stored = storage.save(name, ContentFile(data))
        if stored != name:
            raise CommandError(f"{name} was stored as {stored}: restore into an empty media store.")

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        batch: list[tuple[str, bytes]] = []
        for item in files:
            batch.append(item)
            if len(batch) == PARALLEL * 4:
                list(pool.map(write, batch))
                batch = []
        list(pool.map(write, batch))
