"""How long `manage.py backup` and `manage.py restore` take on a large site (issue 16), on PostgreSQL
with media on disk, encrypted with gpg as the nightly timer runs it.

The data set, built in minutes on a throwaway database (the demo clinic, then bulk rows through
the project's models, and SQL copies of the demo's hip-pain article for the pages, which Wagtail
would create one by one in ~25 minutes):
- 5,000 more articles (copies of the 1,000-word hip-pain guide: page, article, revision and
  search-index rows each);
- 50,000 visit requests over two years, as bench/scale_requests.py builds them for the front
  desk's measurements (emails, seats, audit entries; those over a year old anonymised);
- 1,500 images (1200x800 JPEG originals) with two renditions each, in DJANGO_MEDIA_ROOT.

    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres .venv/bin/python -m bench.backup_restore

(`--template NAME` starts from a copy of an already migrated demo database instead of migrating.)

Prints the sizes and timings recorded in bench/RESULTS.md and docs/operations.md."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from PIL import Image as Picture

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scale_requests import build as build_visit_requests  # noqa: E402
from tests.booking.live_server import manage, postgres_database, prepare_database  # noqa: E402

ARTICLES, VISIT_REQUESTS, IMAGES = 5_000, 50_000, 1_500
KEY = "Clinic backups <backups@example-clinic.com>"


def fill(database_url: str, media_root: Path) -> None:
    """Bulk rows through the project's models, in this process."""
    os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="clinic.settings.test")
    os.environ["DJANGO_MEDIA_ROOT"] = str(media_root)
    import django  # noqa: PLC0415 - configured from the environment just set

    django.setup()
    from django.conf import settings  # noqa: PLC0415

    settings.MEDIA_ROOT = media_root
    started = time.monotonic()
    _articles()
    print(f"  {ARTICLES:,} articles in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    build_visit_requests(VISIT_REQUESTS)
    print(f"  {VISIT_REQUESTS:,} visit requests in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    _images()
    print(f"  {IMAGES:,} images in {time.monotonic() - started:.0f} s")


def _copy(cursor, table: str, key: str, source, overrides: dict[str, str], arrays: dict[str, list], types):
    """INSERT one copy of `table`'s row `key = source` per element of `arrays` (unnested side by
    side), with `overrides` (SQL expressions over the arrays' columns n.<name>) replacing columns."""
    from django.db import connection  # noqa: PLC0415

    quote = connection.ops.quote_name
    columns = [
        c.name for c in connection.introspection.get_table_description(cursor, table) if c.name != "id"
    ]
    select = ", ".join(overrides.get(column, f"t.{quote(column)}") for column in columns)
    unnest = ", ".join(f"%s::{types[name]}[]" for name in arrays)
    cursor.execute(
        f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) SELECT {select} "  # noqa: S608
        f"FROM {quote(table)} t, unnest({unnest}) AS n({', '.join(arrays)}) WHERE t.{quote(key)} = %s",
        [*arrays.values(), source],
    )


def _articles() -> None:
    from django.contrib.contenttypes.models import ContentType  # noqa: PLC0415
    from django.db import connection, transaction  # noqa: PLC0415

    from wagtail.models import Page, Revision  # noqa: PLC0415
    from wagtail.search.models import IndexEntry  # noqa: PLC0415

    from blog.models import BlogIndexPage, BlogPage  # noqa: PLC0415

    source = BlogPage.objects.get(slug="hip-pain-in-runners")
    index = BlogIndexPage.objects.get()
    first = index.numchild + 1
    paths = [Page._get_path(index.path, index.depth + 1, first + n) for n in range(ARTICLES)]
    slugs = [f"article-{n:05d}" for n in range(ARTICLES)]
    with transaction.atomic(), connection.cursor() as cursor:
        _copy(
            cursor,
            "wagtailcore_page",
            "id",
            source.pk,
            {
                "path": "n.path",
                "slug": "n.slug",
                "url_path": f"'{index.url_path}' || n.slug || '/'",
                "title": "t.title || ' ' || n.slug",
                "draft_title": "t.draft_title || ' ' || n.slug",
                "translation_key": "gen_random_uuid()",
                "latest_revision_id": "NULL",
                "live_revision_id": "NULL",
            },
            {"path": paths, "slug": slugs},
            {"path": "text", "slug": "text"},
        )
        ids = list(Page.objects.filter(path__in=paths).order_by("path").values_list("pk", flat=True))
        _copy(
            cursor,
            "blog_blogpage",
            "page_ptr_id",
            source.pk,
            {"page_ptr_id": "n.id"},
            {"id": ids},
            {"id": "int"},
        )
        revision = Revision.objects.filter(object_id=str(source.pk)).latest("pk")
        _copy(
            cursor,
            "wagtailcore_revision",
            "id",
            revision.pk,
            {"object_id": "n.id::text"},
            {"id": ids},
            {"id": "int"},
        )
        entry = IndexEntry.objects.get(
            content_type=ContentType.objects.get_for_model(BlogPage), object_id=source.pk
        )
        _copy(
            cursor,
            "wagtailsearch_indexentry",
            "id",
            entry.pk,
            {"object_id": "n.id::text"},
            {"id": ids},
            {"id": "int"},
        )
        Page.objects.filter(pk=index.pk).update(numchild=index.numchild + ARTICLES)


def _images() -> None:
    from django.core.files.base import ContentFile  # noqa: PLC0415
    from django.core.files.storage import default_storage  # noqa: PLC0415

    from wagtail.images.models import Image, Rendition  # noqa: PLC0415
    from wagtail.models import Collection  # noqa: PLC0415

    def jpeg(size, seed) -> bytes:
        picture = Picture.merge("RGB", [Picture.effect_noise(size, 30 + seed * 3)] * 3)
        data = io.BytesIO()
        picture.resize(size).save(data, "JPEG", quality=82)
        return data.getvalue()

    originals = [jpeg((1200, 800), seed) for seed in range(10)]
    renditions = [(jpeg((800, 533), seed), jpeg((400, 300), seed)) for seed in range(10)]
    root = Collection.get_first_root_node()
    images = []
    for n in range(IMAGES):
        name = default_storage.save(
            f"original_images/{uuid.uuid4().hex[:16]}/photo-{n}.jpg", ContentFile(originals[n % 10])
        )
        images.append(
            Image(
                title=f"Photo {n}",
                file=name,
                width=1200,
                height=800,
                collection=root,
                file_size=len(originals[n % 10]),
            )
        )
    Image.objects.bulk_create(images)
    rows = []
    for n, image in enumerate(images):
        for spec, data, (width, height) in zip(
            ("width-800", "fill-400x300"), renditions[n % 10], ((800, 533), (400, 300)), strict=True
        ):
            name = default_storage.save(f"images/photo-{n}.{spec}.jpg", ContentFile(data))
            rows.append(Rendition(image=image, filter_spec=spec, file=name, width=width, height=height))
    Rendition.objects.bulk_create(rows)


def timed(label: str, database_url: str, *args: str, **env: str) -> float:
    started = time.monotonic()
    out = manage(database_url, *args, **env)
    seconds = time.monotonic() - started
    print(f"{label}: {seconds:.1f} s\n  {out.strip()}", flush=True)
    return seconds


def main() -> None:
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL server (postgres://...): the database is made and dropped here."
        )
    work = Path(tempfile.mkdtemp(prefix="clinic-backup-bench-"))
    gnupg = work / "gnupg"
    gnupg.mkdir(mode=0o700)
    subprocess.run(
        ["gpg", "--batch", "--passphrase", "", "--quick-gen-key", KEY, "future-default", "default"],
        env={**os.environ, "GNUPGHOME": str(gnupg)},
        check=True,
        capture_output=True,
    )
    template = server.rsplit("/", 1)[0] + "/" + sys.argv[2] if sys.argv[1:2] == ["--template"] else None
    try:
        with (
            postgres_database(server, "clinic_backup_bench", template=template) as source,
            postgres_database(server, "clinic_backup_bench_restored") as restored,
        ):
            started = time.monotonic()
            if template is None:
                prepare_database(source)
            print(f"demo clinic ready in {time.monotonic() - started:.0f} s; filling:", flush=True)
            filler = subprocess.run(
                [sys.executable, __file__, "--fill", source, str(work / "media")], check=False, text=True
            )
            if filler.returncode:
                sys.exit("filling failed")
            size = subprocess.run(
                ["psql", source, "-Atc", "SELECT pg_size_pretty(pg_database_size(current_database()))"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            media = sum(p.stat().st_size for p in (work / "media").rglob("*") if p.is_file())
            print(f"database {size}, media {media / 1e6:.0f} MB")
            env = {"GNUPGHOME": str(gnupg), "DJANGO_MEDIA_ROOT": str(work / "media")}
            timed("backup", source, "backup", "--to", str(work / "backups"), "--recipient", KEY, **env)
            (archive,) = (work / "backups").iterdir()
            print(f"archive {archive.stat().st_size / 1e6:.0f} MB")
            timed("verify", restored, "restore", str(archive), "--verify-only", **env)
            env["DJANGO_MEDIA_ROOT"] = str(work / "restored-media")
            timed("restore", restored, "restore", str(archive), **env)
    finally:
        subprocess.run(
            ["gpgconf", "--kill", "gpg-agent"], env={**os.environ, "GNUPGHOME": str(gnupg)}, check=False
        )
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--fill"]:
        fill(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
