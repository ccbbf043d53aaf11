"""/healthz: each dependency's state as JSON; 503 only when pages cannot be served."""

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from django.test import override_settings
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
DEAD_REDIS_CACHE = {
    "default": {
        "BACKEND": "clinic.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    }
}


def queued_task(*, age: timedelta, status=TaskResultStatus.READY) -> DBTaskResult:
    task = DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="booking.tasks.send_notification",
        backend_name="clinic",
        run_after=timezone.now(),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - age)
    return task


def test_healthz_reports_every_dependency_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == {"status": "ok"}
    assert response.json()["cache"]["status"] == "ok"
    assert response.json()["task_queue"] == {"status": "ok", "oldest_unfinished_seconds": 0}


def test_healthz_is_never_stored_by_a_cache(client, db):
    assert "no-store" in client.get("/healthz").headers["Cache-Control"]


def test_healthz_reports_the_age_of_the_oldest_unfinished_task(client, db):
    queued_task(age=timedelta(minutes=5))
    queued_task(age=timedelta(minutes=2), status=TaskResultStatus.RUNNING)
    assert client.get("/healthz").json()["task_queue"]["oldest_unfinished_seconds"] == 300


def test_healthz_ignores_finished_tasks_when_measuring_the_queue(client, db):
    queued_task(age=timedelta(days=2), status=TaskResultStatus.SUCCESSFUL)
    queued_task(age=timedelta(days=2), status=TaskResultStatus.FAILED)
    assert client.get("/healthz").json()["task_queue"]["oldest_unfinished_seconds"] == 0


@override_settings(HEALTHZ_TASK_QUEUE_MAX_AGE=600)
def test_a_task_queue_left_behind_is_reported_but_pages_keep_their_traffic(client, db):
    queued_task(age=timedelta(hours=1))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["task_queue"]["status"] == "behind"


@override_settings(CACHES=DEAD_REDIS_CACHE)
def test_with_redis_down_healthz_reports_the_cache_unavailable_and_answers_200(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["cache"]["status"] == "unavailable"


def test_with_the_database_down_healthz_answers_503():
    # A separate process whose database is a PostgreSQL port where nothing listens.
    code = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(json.dumps([r.status_code, r.json()]))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter with fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "clinic.settings.test",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nothing",
            "DJANGO_LOG_LEVEL": "CRITICAL",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    status, body = json.loads(result.stdout.strip().splitlines()[-1])
    assert status == 503
    assert body["database"] == {"status": "unavailable"}
