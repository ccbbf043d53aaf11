"""What /healthz reports: each dependency's state, and whether pages can be served at all.

Only the database is essential: without the cache pages are slower, and without a task worker
emails wait, but patients can still read and book. Those two are reported, not fatal.
"""

import logging
import uuid
from importlib import import_module

from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

logger = logging.getLogger(__name__)


def database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means unavailable; the reason goes to the log
        logger.exception("Health check: database unavailable")
        return {"status": "unavailable"}
    return {"status": "ok"}


def shared_cache() -> dict:
    """Write a fresh value and read it back: a cache that drops writes is not working."""
    key, value = "healthz:probe", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=30)
        ok = cache.get(key) == value
    except Exception:  # noqa: BLE001 - e.g. the database cache while the database is down
        ok = False
    return {"status": "ok" if ok else "unavailable", "backend": settings.CACHES["default"]["BACKEND"]}


def task_queue() -> dict:
    """How long the oldest task still waiting or running has been in the queue."""
    oldest = (
        DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    age = round((timezone.now() - oldest).total_seconds()) if oldest else 0
    limit = settings.HEALTHZ_TASK_QUEUE_MAX_AGE
    return {"status": "ok" if age <= limit else "behind", "oldest_unfinished_seconds": age}


def app_checks() -> dict:
    """Each installed app's own checks, found by convention as `<app>/health.py` with `checks()`
    returning {name: {"status": ...}} (booking reports its calendar sync). They can degrade the
    report, never take it down: a failing check is "degraded" and logged."""
    found = {}
    for config in apps.get_app_configs():
        if config.name == "clinic" or not module_has_submodule(config.module, "health"):
            continue
        try:
            found.update(import_module(f"{config.name}.health").checks())
        except Exception:  # noqa: BLE001 - a broken check is a degraded report, not an outage
            logger.exception("Health check of %s failed", config.name)
            found[config.label] = {"status": "degraded"}
    return found


def report() -> tuple[dict, bool]:
    """(the report, whether pages can be served)."""
    checks = {"database": database()}
    serving = checks["database"]["status"] == "ok"
    checks["cache"] = shared_cache()
    if serving:
        checks["task_queue"] = task_queue()
        checks.update(app_checks())
    healthy = all(check["status"] == "ok" for check in checks.values())
    status = "ok" if healthy else ("degraded" if serving else "error")
    return {"status": status, **checks}, serving
