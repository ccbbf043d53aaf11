"""A production-shaped installation on one machine, as docs/deployment.md sets it up: nginx (TLS)
in front of Varnish in front of two gunicorn instances (production settings) on one PostgreSQL
database, one Redis database and one S3 bucket; plus the staff member and patients who use it
over HTTP. Started once per test session (tests/scale/conftest.py)."""

from __future__ import annotations

import os
import secrets
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import bs4
import psycopg
import requests

from tests.booking.live_server import free_port, gunicorn_process, loopback_session, manage, postgres_database
from tests.scale.services import Nginx, nginx, require_redis, seaweedfs, varnish

PRODUCTION = "clinic.settings.production"
# The site's public host name, the demo Site's, and the one nginx serves; Varnish keys its cache on
# the Host it is asked for, which for requests sent to it directly here is often another one the
# site answers to (the bare domain, 127.0.0.1).
HOST = "www.example-clinic.com"
OTHER_HOST = "example-clinic.com"
STAFF_USER, STAFF_PASSWORD = "staff", "a-long-staff-password-" + uuid.uuid4().hex
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/6")
BUCKET = "clinic-media"


def production_env(*, static_root: str, mail_dir: str, purge_url: str, s3_endpoint: str, bucket: str):
    """The environment every process of the installation shares, as an .env file would."""
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": f"{HOST},{OTHER_HOST},127.0.0.1",
        # nginx redirects HTTP to HTTPS; the tests also ask gunicorn and Varnish over plain HTTP.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": static_root,
        "DJANGO_LOG_LEVEL": "WARNING",
        "CLINIC_PUBLIC_URL": f"https://{HOST}",
        "REDIS_URL": REDIS_URL,
        "DJANGO_CACHE_KEY_PREFIX": "scale-" + uuid.uuid4().hex[:8],  # nothing from an earlier run
        "FRONTEND_CACHE_URLS": purge_url,
        "CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": mail_dir,
        "DJANGO_S3_BUCKET": bucket,
        "DJANGO_S3_ENDPOINT_URL": s3_endpoint,
        "DJANGO_S3_ACCESS_KEY_ID": "clinic-test",
        "DJANGO_S3_SECRET_ACCESS_KEY": "clinic-test-secret",
        "DJANGO_S3_REGION": "us-east-1",
        "BOOKING_RATE_LIMIT": "0",
        "BOOKING_MIN_FILL_SECONDS": "0",
    }


def production_shell(database_url: str, env: dict, code: str) -> str:
    """`manage.py shell -c` as the installation runs it (its cache, its front cache, its storage)."""
    return manage(database_url, "shell", "-c", code, settings=PRODUCTION, **env)


def form_fields(html: str, form_selector: str) -> dict[str, str]:
    """What a browser would send from a form without the user changing anything."""
    form = bs4.BeautifulSoup(html, "html.parser").select_one(form_selector)
    if form is None:
        raise AssertionError(f"no form matching {form_selector!r}")
    data = {}
    for element in form.select("input[name], select[name], textarea[name]"):
        name = element["name"]
        kind = element.get("type", "text")
        if element.name == "select":
            option = element.select_one("option[selected]") or element.select_one("option")
            data[name] = option.get("value", "") if option else ""
        elif element.name == "textarea":
            data[name] = element.text
        elif kind in {"checkbox", "radio"}:
            if element.has_attr("checked"):
                data[name] = element.get("value", "on")
        elif kind not in {"file", "submit", "button"}:
            data[name] = element.get("value", "")
    return data


@dataclass
class Staff:
    """A staff member using one instance's Wagtail admin over HTTP."""

    base_url: str
    session: requests.Session = field(default_factory=loopback_session)
    username: str = STAFF_USER

    def log_in(self) -> None:
        page = self.session.get(self.base_url + "/admin/login/", timeout=30)
        data = form_fields(page.text, "form[method=post]")
        data.update(username=self.username, password=STAFF_PASSWORD)
        response = self.session.post(
            self.base_url + "/admin/login/", data=data, allow_redirects=False, timeout=30
        )
        assert response.status_code == 302, response.text[:2000]

    def publish(self, page_id: int) -> None:
        """Publish the page's latest draft: Pages › select › Publish, then confirm."""
        url = f"{self.base_url}/admin/bulk/wagtailcore/page/publish/?id={page_id}"
        confirm = self.session.get(url, timeout=30)
        confirm.raise_for_status()
        data = form_fields(confirm.text, "form[method=post]")
        response = self.session.post(url, data=data, allow_redirects=False, timeout=60)
        assert response.status_code == 302, response.text[:2000]

    def upload_image(self, title: str, content: bytes) -> None:
        """Images › Add an image (the single-upload form)."""
        url = self.base_url + "/admin/images/add/"
        form = self.session.get(url, timeout=30)
        form.raise_for_status()
        data = form_fields(form.text, "form[enctype='multipart/form-data']")
        data["title"] = title
        response = self.session.post(
            url,
            data=data,
            files={"file": (f"{title}.png", content, "image/png")},
            allow_redirects=False,
            timeout=60,
        )
        assert response.status_code == 302, response.text[:3000]


def report(line: str) -> None:
    sys.stderr.write(line + "\n")


class Cluster:
    def __init__(self, *, database_url, env, a, b, varnish_url, purge_url, front: Nginx, s3_client, mail_dir):
        self.database_url, self.env = database_url, env
        self.a, self.b, self.varnish, self.purge = a, b, varnish_url, purge_url
        self.nginx, self.s3, self.mail_dir = front, s3_client, Path(mail_dir)

    def through_varnish(self, path: str, *, host: str = HOST, **headers) -> requests.Response:
        """Straight to Varnish's public listener, as nginx (or anything on the machine) would ask."""
        return requests.get(
            self.varnish + path, headers={"Host": host, **headers}, allow_redirects=False, timeout=30
        )

    def shell(self, code: str) -> str:
        return production_shell(self.database_url, self.env, code)

    def sql(self, query: str, *params):
        with psycopg.connect(self.database_url) as connection:
            return connection.execute(query, params).fetchall()


@contextmanager
def installation(tmp: Path, demo_template: str):
    """Everything docs/deployment.md runs, on free loopback ports, stopped by PID at the end."""
    started = time.monotonic()
    require_redis(REDIS_URL)
    (tmp / "mail").mkdir()
    with (
        seaweedfs(BUCKET) as (s3_endpoint, s3_client),
        postgres_database(os.environ["DATABASE_URL"], "clinic_scale", template=demo_template) as db,
    ):
        report(f"\ndemo database and SeaweedFS ready in {time.monotonic() - started:.1f}s")
        varnish_port, purge_port = free_port(), free_port()
        purge_url = f"http://127.0.0.1:{purge_port}"
        env = production_env(
            static_root=str(tmp / "static"),
            mail_dir=str(tmp / "mail"),
            purge_url=purge_url,
            s3_endpoint=s3_endpoint,
            bucket=BUCKET,
        )
        manage(db, "collectstatic", "--noinput", "-v0", settings=PRODUCTION, **env)
        report(f"static files collected at {time.monotonic() - started:.1f}s")
        production_shell(  # production's password hasher, not the tests' fast one
            db,
            env,
            "from wagtail.models import Site; from django.contrib.auth.models import Group, User; "
            f"Site.objects.filter(is_default_site=True).update(hostname='{HOST}', port=443); "
            # A Moderator (publishes pages, uploads images); superusers would need a second factor.
            f"u = User.objects.create_user('{STAFF_USER}', 'staff@example.com', '{STAFF_PASSWORD}'); "
            "u.groups.add(Group.objects.get(name='Moderators'))",
        )
        with (
            gunicorn_process(db, workers=2, settings=PRODUCTION, **env) as (a, _),
            gunicorn_process(db, workers=2, settings=PRODUCTION, **env) as (b, _),
            varnish([a, b], port=varnish_port, purge_port=purge_port, host=HOST) as varnish_url,
            nginx(varnish_url) as front,
        ):
            report(
                f"\ncluster up in {time.monotonic() - started:.1f}s "
                f"(nginx {front.base_url}, Varnish {varnish_url} + purge {purge_url}, A {a}, B {b})"
            )
            yield Cluster(
                database_url=db,
                env=env,
                a=a,
                b=b,
                varnish_url=varnish_url,
                purge_url=purge_url,
                front=front,
                s3_client=s3_client,
                mail_dir=tmp / "mail",
            )
