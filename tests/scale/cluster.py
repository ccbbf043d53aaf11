"""A production-shaped installation on one machine: two gunicorn instances (production settings)
on one PostgreSQL database, one Redis database and one S3 bucket, with Varnish in front; plus
the staff member and patients who use it over HTTP."""

from __future__ import annotations

import os
import secrets
import uuid
from dataclasses import dataclass, field

import bs4
import requests

from tests.booking.live_server import loopback_session, manage

PRODUCTION = "clinic.settings.production"
HOST = "localhost"  # the demo Site's host name in these tests; Varnish keys its cache on it
STAFF_USER, STAFF_PASSWORD = "staff", "a-long-staff-password-" + uuid.uuid4().hex
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/6")


def production_env(*, static_root: str, mail_dir: str, varnish_url: str, s3_endpoint: str, bucket: str):
    """The environment every process of the installation shares, as an .env file would."""
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback; TLS is the proxy's
        "DJANGO_STATIC_ROOT": static_root,
        "DJANGO_LOG_LEVEL": "WARNING",
        "CLINIC_PUBLIC_URL": f"http://{HOST}",
        "REDIS_URL": REDIS_URL,
        "DJANGO_CACHE_KEY_PREFIX": "scale-" + uuid.uuid4().hex[:8],  # nothing from an earlier run
        "FRONTEND_CACHE_URLS": varnish_url,
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

    def log_in(self) -> None:
        page = self.session.get(self.base_url + "/admin/login/", timeout=30)
        data = form_fields(page.text, "form[method=post]")
        data.update(username=STAFF_USER, password=STAFF_PASSWORD)
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
