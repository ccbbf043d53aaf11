"""Settings come from the environment; production refuses to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 50


def run_settings(module: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "db = s.DATABASES['default']; "
        "print(json.dumps({'engine': db['ENGINE'], 'options': db.get('OPTIONS', {}), "
        "'cache': s.CACHES['default']['BACKEND'], 'debug': s.DEBUG, 'tz': s.TIME_ZONE}))"
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


def test_production_refuses_a_short_or_development_secret_key():
    result = run_settings(
        "clinic.settings.production", DJANGO_SECRET_KEY="dev-only", DJANGO_ALLOWED_HOSTS="x.com"
    )
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
        "clinic.settings.production", DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_ALLOWED_HOSTS="x.com"
    )
    assert result.returncode == 0, result.stderr
    assert '"debug": false' in result.stdout


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
