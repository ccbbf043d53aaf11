"""Settings come from the environment; production refuses to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 50
PUBLIC = "https://www.example-clinic.com"


def run_settings(module: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            (
                "DJANGO_",
                "DATABASE_URL",
                "REDIS_URL",
                "CLINIC_",
                "WAGTAILADMIN_",
                "FRONTEND_CACHE_URLS",
                "CLIENT_IP_HEADER",
                "BOOKING_CLIENT_IP_HEADER",
            )
        )
    }
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "db = s.DATABASES['default']; "
        "print(json.dumps({'engine': db['ENGINE'], 'options': db.get('OPTIONS', {}), "
        "'cache': s.CACHES['default']['BACKEND'], 'debug': s.DEBUG, 'tz': s.TIME_ZONE, "
        "'public_url': s.CLINIC_PUBLIC_URL, 'admin_base_url': s.WAGTAILADMIN_BASE_URL}))"
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings("clinic.settings.production", DJANGO_ALLOWED_HOSTS="clinic.example.com")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    "key", ["dev-only", "change-me-to-a-long-random-string-please", "django-insecure-" + "x" * 40]
)
def test_production_refuses_a_short_development_or_placeholder_secret_key(key):
    result = run_settings("clinic.settings.production", DJANGO_SECRET_KEY=key, DJANGO_ALLOWED_HOSTS="x.com")
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("hosts", ["", "*"])
def test_production_refuses_to_start_without_real_allowed_hosts(hosts):
    result = run_settings(
        "clinic.settings.production", DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_ALLOWED_HOSTS=hosts
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must list" in result.stderr


def test_production_starts_when_configured():
    result = run_settings(
        "clinic.settings.production",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="x.com",
        CLINIC_PUBLIC_URL=PUBLIC,
    )
    assert result.returncode == 0, result.stderr
    assert '"debug": false' in result.stdout


def test_production_behind_a_front_cache_refuses_to_start_without_the_client_address_header():
    result = run_settings(
        "clinic.settings.production",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="x.com",
        CLINIC_PUBLIC_URL=PUBLIC,
        FRONTEND_CACHE_URLS="http://127.0.0.1:6091",
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: CLIENT_IP_HEADER must name the header" in result.stderr


def test_production_behind_a_front_cache_starts_with_the_client_address_header():
    result = run_settings(
        "clinic.settings.production",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="x.com",
        CLINIC_PUBLIC_URL=PUBLIC,
        FRONTEND_CACHE_URLS="http://127.0.0.1:6091",
        CLIENT_IP_HEADER="HTTP_X_REAL_IP",
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_a_header_name_that_is_not_a_meta_key():
    result = run_settings(
        "clinic.settings.production",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="x.com",
        CLINIC_PUBLIC_URL=PUBLIC,
        CLIENT_IP_HEADER="X-Real-IP",
    )
    assert "CLIENT_IP_HEADER is a request.META key" in result.stderr


def test_production_refuses_to_start_without_a_public_url():
    result = run_settings(
        "clinic.settings.production", DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_ALLOWED_HOSTS="x.com"
    )
    assert result.returncode != 0
    assert "CLINIC_PUBLIC_URL must be the site's public origin" in result.stderr


@pytest.mark.parametrize(
    "url", ["www.example-clinic.com", "https://www.example-clinic.com/clinic/", "ftp://x"]
)
def test_a_public_url_that_is_not_an_origin_is_refused(url):
    result = run_settings("clinic.settings.dev", CLINIC_PUBLIC_URL=url)
    assert result.returncode != 0
    assert "CLINIC_PUBLIC_URL must be an origin" in result.stderr


def test_public_url_loses_its_trailing_slash():
    result = run_settings("clinic.settings.dev", CLINIC_PUBLIC_URL=PUBLIC + "/")
    assert f'"public_url": "{PUBLIC}"' in result.stdout


def test_admin_base_url_defaults_to_the_public_url():
    result = run_settings(
        "clinic.settings.production",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="x.com",
        CLINIC_PUBLIC_URL=PUBLIC,
    )
    assert f'"admin_base_url": "{PUBLIC}"' in result.stdout


def test_admin_base_url_can_differ_from_the_public_url():
    result = run_settings(
        "clinic.settings.dev", CLINIC_PUBLIC_URL=PUBLIC, WAGTAILADMIN_BASE_URL="https://admin.example.com"
    )
    assert '"admin_base_url": "https://admin.example.com"' in result.stdout


def test_sqlite_waits_for_the_write_lock_instead_of_failing():
    result = run_settings("clinic.settings.dev")
    assert result.returncode == 0, result.stderr
    assert '"engine": "django.db.backends.sqlite3"' in result.stdout
    assert '"transaction_mode": "IMMEDIATE"' in result.stdout
    assert '"timeout": 20' in result.stdout
    assert '"tz": "America/New_York"' in result.stdout
    assert "DatabaseCache" in result.stdout


def test_database_url_selects_postgresql_and_redis_url_the_cache():
    result = run_settings(
        "clinic.settings.dev",
        DATABASE_URL="postgres://clinic:secret@db.example.com:5432/clinic",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert result.returncode == 0, result.stderr
    assert '"engine": "django.db.backends.postgresql"' in result.stdout
    assert "RedisCache" in result.stdout


def example_env() -> dict[str, str]:
    """.env.example's settings, as a process manager's EnvironmentFile would pass them."""
    pairs = (
        line.split("=", 1)
        for line in (REPO / ".env.example").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )
    env = {key.strip(): value.strip() for key, value in pairs}
    assert env.pop("DJANGO_SETTINGS_MODULE") == "clinic.settings.production"
    return env


def test_the_example_environment_starts_production_once_its_secret_is_set():
    """What .env.example documents is what production accepts: with a real secret key in place of
    its placeholder, the settings load (the front cache with the client address header, empty
    S3 and calendar settings, every rate limit and number parse)."""
    env = example_env()
    assert env["FRONTEND_CACHE_URLS"]
    assert env["CLIENT_IP_HEADER"]
    result = run_settings("clinic.settings.production", **{**env, "DJANGO_SECRET_KEY": GOOD_KEY})
    assert result.returncode == 0, result.stderr
    assert '"engine": "django.db.backends.postgresql"' in result.stdout
    assert "ResilientRedisCache" in result.stdout
    unset = run_settings("clinic.settings.production", **env)
    assert "DJANGO_SECRET_KEY must be set" in unset.stderr  # as copied, it refuses to start


def production_env(**extra: str) -> dict[str, str]:
    # As DESIGN.md says checks run: production settings over plain HTTP on loopback.
    return {
        "DJANGO_SECRET_KEY": "Vq3-pL9xZr7TfK2wYc8NbM4sHd6JgA1eU5oRi0tQnXvBk-test-only-key",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "CLINIC_PUBLIC_URL": "https://www.example-clinic.com",
        **extra,
    }


def test_production_settings_pass_check_deploy_at_warning_level():
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "clinic.settings.production", **production_env()},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def production_value(expression: str, **env: str) -> str:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    code = f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "clinic.settings.production", **production_env(**env)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_cookies_have_the_host_prefix():
    names = production_value("s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME")
    assert names == "__Host-sessionid __Host-csrftoken"


def test_production_hsts_preload_is_on_unless_turned_off():
    assert production_value("s.SECURE_HSTS_PRELOAD") == "True"
    assert production_value("s.SECURE_HSTS_PRELOAD", DJANGO_HSTS_PRELOAD="false") == "False"


def test_production_always_requires_two_step_verification():
    assert production_value("s.STAFF_2FA_REQUIRED", STAFF_2FA_REQUIRED="false") == "True"


def test_production_keeps_the_https_redirect_check_when_redirecting():
    silenced = production_value("s.SILENCED_SYSTEM_CHECKS", DJANGO_SECURE_SSL_REDIRECT="true")
    assert silenced == "[]"


def test_production_refuses_a_calendar_key_that_is_not_a_fernet_key():
    configured = {"DJANGO_SECRET_KEY": GOOD_KEY, "DJANGO_ALLOWED_HOSTS": "x.com", "CLINIC_PUBLIC_URL": PUBLIC}
    result = run_settings("clinic.settings.production", CALENDAR_ENCRYPTION_KEY="not-a-key", **configured)
    assert result.returncode != 0
    assert "CALENDAR_ENCRYPTION_KEY must be Fernet keys" in result.stderr
    two_keys = "Q2FsZW5kYXJLZXlGb3JUZXN0c09ubHkxMjM0NTY3ODk=,ZXl3c3RyZWFtX2tleV9mb3JfdGVzdHNfb25seV8xMjM="
    assert (
        run_settings("clinic.settings.production", CALENDAR_ENCRYPTION_KEY=two_keys, **configured).returncode
        == 0
    )
