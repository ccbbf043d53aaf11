"""A backup restored into a new database and a new media store serves the same site: the same
pages, the same visit requests and seats (the patient's manage link opens their visit, booked
times stay taken), the same images. Real processes throughout: gunicorn with the production
settings, `manage.py backup` while it serves, gpg, `manage.py restore`, a second gunicorn.

SQLite in the run without DATABASE_URL, PostgreSQL in the run with it (as test_concurrency.py);
media on disk and in S3 (SeaweedFS) in both. Run with `-s` to see the commands' reports."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests.booking.live_server import (
    EACH_DATABASE,
    POSTGRES_URL,
    Patient,
    free_slot_values,
    gunicorn_process,
    loopback_session,
    manage,
    postgres_database,
    prepared_database,
)
from tests.scale.services import seaweedfs, unavailable

PRODUCTION = "clinic.settings.production"
PUBLIC_URL = "https://www.example-clinic.com"
ARTICLE = "/blog/hip-pain-in-runners/"
PAGES = ["/", "/about/", "/services/", "/privacy/", "/blog/", ARTICLE, "/blog/feed/", "/sitemap.xml"]
PAGES += ["/search/?q=hip", "/blog/category/hip/"]
KEY = "Clinic backups <backups@example-clinic.com>"

pytestmark = pytest.mark.xdist_group("backup")


@pytest.fixture(scope="module", params=EACH_DATABASE)
def demo_database(request, tmp_path_factory):
    """The demo clinic, migrated once; each test works on a copy."""
    with prepared_database(request.param, "backup_demo", tmp_path_factory) as url:
        yield url


@contextmanager
def database_copy(template: str, folder: Path):
    if template.startswith("sqlite"):
        copy = folder / "source.sqlite3"
        shutil.copyfile(template.removeprefix("sqlite:///"), copy)
        yield f"sqlite:///{copy}"
        return
    with postgres_database(POSTGRES_URL, "clinic_backup_source", template=template) as url:
        yield url


@contextmanager
def empty_database(template: str, folder: Path):
    """A new, empty database of the same kind: `createdb`, or a file that does not exist yet."""
    if template.startswith("sqlite"):
        yield f"sqlite:///{folder / 'restored.sqlite3'}"
        return
    with postgres_database(POSTGRES_URL, "clinic_backup_restored") as url:
        yield url


@pytest.fixture(scope="module")
def gnupg_home(tmp_path_factory):
    """A keyring holding the backup key (both halves: this machine backs up and restores)."""
    if shutil.which("gpg") is None:
        unavailable("gpg is not installed (apt-get install gnupg)")
    home = tmp_path_factory.mktemp("gnupg")
    home.chmod(0o700)
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            shutil.which("gpg"),
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            KEY,
            "future-default",
            "default",
        ],
        env={**os.environ, "GNUPGHOME": str(home)},
        check=True,
        capture_output=True,
    )
    yield home
    # gpg started an agent for this keyring: stop it (it would also stop once the folder is gone).
    gpgconf = shutil.which("gpgconf")
    if gpgconf:
        kill = [gpgconf, "--kill", "gpg-agent"]
        subprocess.run(kill, env={**os.environ, "GNUPGHOME": str(home)}, check=False)  # noqa: S603


@pytest.fixture(scope="module")
def static_root(tmp_path_factory, demo_database):
    """collectstatic once: production settings serve fingerprinted static files."""
    root = tmp_path_factory.mktemp("static")
    manage(demo_database, "collectstatic", "--noinput", "-v0", settings=PRODUCTION, **site_env(root, {}))
    return root


@pytest.fixture(scope="module")
def s3():
    """Two S3 stores: the site's, and the new one a restore goes into (a bucket of its own on a
    server of its own: one SeaweedFS here has volumes for one bucket)."""
    with seaweedfs("clinic-media") as source, seaweedfs("clinic-restored") as restored:
        yield source, restored


def site_env(static_root: Path, media: dict[str, str], secret_key: str = "x" * 50) -> dict[str, str]:
    """Production settings, as a one-server installation's .env would have them (plain HTTP on
    loopback; every page rendered from the database: no page or fragment cache)."""
    return {
        "DJANGO_SECRET_KEY": secret_key,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_LOG_LEVEL": "WARNING",
        "CLINIC_PUBLIC_URL": PUBLIC_URL,
        "PAGE_CACHE_SECONDS": "0",
        "FRAGMENT_CACHE_SECONDS": "0",
        **media,
    }


def disk_media(folder: Path) -> dict[str, str]:
    folder.mkdir()
    return {"DJANGO_MEDIA_ROOT": str(folder), "DJANGO_SERVE_MEDIA": "true"}


def media_origin(media: dict[str, str]) -> str:
    return f"{media['DJANGO_S3_ENDPOINT_URL']}/{media['DJANGO_S3_BUCKET']}"


def s3_media(endpoint: str, bucket: str) -> dict[str, str]:
    return {
        "DJANGO_S3_BUCKET": bucket,
        "DJANGO_S3_ENDPOINT_URL": endpoint,
        "DJANGO_S3_ACCESS_KEY_ID": "clinic-test",
        "DJANGO_S3_SECRET_ACCESS_KEY": "clinic-test-secret",
        "DJANGO_S3_REGION": "us-east-1",
    }


def store_contents(media: dict[str, str], s3_client=None) -> dict[str, bytes]:
    """Every file in a media store, by name."""
    if "DJANGO_MEDIA_ROOT" in media:
        root = Path(media["DJANGO_MEDIA_ROOT"])
        return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}
    bucket = media["DJANGO_S3_BUCKET"]
    keys = [o["Key"] for o in s3_client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return {key: s3_client.get_object(Bucket=bucket, Key=key)["Body"].read() for key in keys}


CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')


def what_the_site_serves(base_url: str, media: dict[str, str], manage_paths: list[str]) -> dict:
    """Pages, the patients' manage pages, the times still free, and every image on the article."""
    session = loopback_session()
    served = {}
    for path in PAGES + manage_paths:
        response = session.get(base_url + path, timeout=60)
        assert response.status_code == 200, (path, response.status_code)
        # The feed links to itself as it was asked for: the two servers listen on different ports.
        text = CSRF.sub(r'\1…"', response.text).replace(base_url, "http://SERVER")
        if "DJANGO_S3_BUCKET" in media:  # the stores' addresses differ; the names in them are the same
            text = text.replace(media_origin(media), "https://MEDIA")
        served[path] = text
    served["free times"] = free_slot_values(session, base_url)
    images = re.findall(r'<img[^>]+src="([^"]+/images/[^"]+)"', served[ARTICLE])
    assert images != []
    for source in images:
        url = source.replace("https://MEDIA", media_origin(media)) if "DJANGO_S3_BUCKET" in media else source
        image = requests.get(url if url.startswith("http") else base_url + url, timeout=30)
        assert image.status_code == 200, url
        served[source] = image.content
    return served


def photo_on_the_article(database_url: str, env: dict[str, str]) -> None:
    """The article's author gets a photo (Clinic › Team), stored in the site's media store."""
    manage(
        database_url,
        "shell",
        "-c",
        "import io; from PIL import Image as Picture; from django.core.files.images import ImageFile; "
        "from wagtail.images.models import Image; from blog.models import BlogPage; "
        "data = io.BytesIO(); Picture.new('RGB', (640, 480), (200, 80, 40)).save(data, 'JPEG'); "
        "photo = Image.objects.create(title='Ashley', file=ImageFile(data, name='ashley.jpg')); "
        f"author = BlogPage.objects.get(slug='{ARTICLE.split('/')[2]}').author; "
        "author.photo = photo; author.save()",
        settings=PRODUCTION,
        **env,
    )


def manage_paths(database_url: str, env: dict[str, str]) -> list[str]:
    """Each patient's change-or-cancel link (as their confirmation email carries it)."""
    out = manage(
        database_url,
        "shell",
        "-c",
        "import json; from booking.emails import manage_url; from booking.models import VisitRequest; "
        "print(json.dumps([manage_url(v) for v in VisitRequest.objects.order_by('pk')]))",
        settings=PRODUCTION,
        **env,
    )
    return [url.removeprefix(PUBLIC_URL) for url in json.loads(out.strip().splitlines()[-1])]


def dumped(database_url: str, env: dict[str, str], *models: str) -> list:
    return json.loads(manage(database_url, "dumpdata", *models, settings=PRODUCTION, **env))


def settled(slots: list[str]) -> list[str]:
    """The free times that cannot change between two looks a few minutes apart: past the booking
    notice (today's next times drop out as the clock moves) and well before the horizon's end."""
    now = datetime.now(UTC)
    return [
        slot
        for slot in slots
        if now + timedelta(days=3) < datetime.fromisoformat(slot) < now + timedelta(days=30)
    ]


def report(line: str) -> None:
    sys.stderr.write(line + "\n")


@pytest.mark.parametrize("store", ["disk", "s3"])
def test_a_restored_backup_serves_the_same_pages_bookings_and_images(
    store, demo_database, static_root, gnupg_home, tmp_path, request
):
    source_client = restored_client = None
    if store == "disk":
        source_media, restored_media = disk_media(tmp_path / "media"), disk_media(tmp_path / "restored-media")
    else:
        (source_endpoint, source_client), (restored_endpoint, restored_client) = request.getfixturevalue("s3")
        source_media = s3_media(source_endpoint, "clinic-media")
        restored_media = s3_media(restored_endpoint, "clinic-restored")
    secret_key = secrets.token_urlsafe(50)  # the installation's: restored with it, links still open
    source_env = {**site_env(static_root, source_media, secret_key), "GNUPGHOME": str(gnupg_home)}
    restored_env = {**site_env(static_root, restored_media, secret_key), "GNUPGHOME": str(gnupg_home)}
    backups = tmp_path / "backups"

    with (
        database_copy(demo_database, tmp_path) as source_db,
        gunicorn_process(source_db, workers=2, settings=PRODUCTION, **source_env) as (source, _),
    ):
        photo_on_the_article(source_db, source_env)
        patients = [Patient(source, session=loopback_session()) for _ in range(2)]
        for patient in patients:
            patient.open_form()
        booked = settled(patients[0].slots)[:2]
        for patient, slot in zip(patients, booked, strict=True):
            assert patient.book(slot).status_code == 303
        links = manage_paths(source_db, source_env)
        before = what_the_site_serves(source, source_media, links)
        bookings = dumped(source_db, source_env, "booking.visitrequest", "booking.slotseat")
        # While the site serves, as the nightly timer runs it.
        backup_command = ["backup", "--to", str(backups), "--recipient", KEY]
        report(manage(source_db, *backup_command, settings=PRODUCTION, **source_env))
        source_files = store_contents(source_media, source_client)

    (backup,) = backups.iterdir()
    assert backup.name.endswith(".tar.gpg")
    with empty_database(demo_database, tmp_path) as restored_db:
        report(manage(restored_db, "restore", str(backup), settings=PRODUCTION, **restored_env))
        with gunicorn_process(restored_db, workers=2, settings=PRODUCTION, **restored_env) as (restored, _):
            after = what_the_site_serves(restored, restored_media, links)
        assert dumped(restored_db, restored_env, "booking.visitrequest", "booking.slotseat") == bookings
    assert len(bookings) == 4  # two visit requests, a seat each
    for key, page in before.items():
        if key != "free times":
            assert after[key] == page, key
    assert settled(after["free times"]) == settled(before["free times"])
    assert set(booked).isdisjoint(after["free times"])
    assert patients[0].name in before[links[0]]
    assert store_contents(restored_media, restored_client) == source_files
    assert any(name.startswith("original_images/") for name in source_files)
