"""Calendar work for the task worker: write a visit's change into the connected calendars once the
booking is committed, and run a sync pass on demand (the admin's "Sync now"). The periodic pass is
`manage.py sync_calendars` on a timer (docs/deployment.md): the worker has no scheduler."""

import logging

from django_tasks import task

from django.db import transaction

from . import sync
from .models import CalendarConnection

logger = logging.getLogger(__name__)

BACKEND = "clinic"


@task(backend=BACKEND)
def push_visit(visit_request_id: int) -> str:
    sync.push_visit(visit_request_id)
    return "done"


@task(backend=BACKEND)
def sync_calendars() -> str:
    results = sync.sync_all()
    return f"{sum(r.ok for r in results)} of {len(results)} calendars synced"


def push_after_commit(visit_request) -> None:
    """Called by booking's services after each change to a visit: the calendars hear of it once
    the change is committed, from the worker, never inside the patient's request."""
    visit_request_id = visit_request.pk
    transaction.on_commit(lambda: _push_if_connected(visit_request_id))


def _push_if_connected(visit_request_id: int) -> None:
    # Most clinics connect no calendar: no task row for every booking then.
    if CalendarConnection.objects.exists():
        _enqueue(push_visit, visit_request_id)


def enqueue_sync() -> bool:
    return _enqueue(sync_calendars)


def _enqueue(task_function, *args) -> bool:
    try:
        task_function.enqueue(*args)
    except Exception:  # noqa: BLE001 - never lose a booking over the calendar; the next pass catches up
        logger.exception("Could not queue calendar work")
        return False
    return True
