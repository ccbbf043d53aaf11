"""The booking jobs cron runs: queue tomorrow's reminders, anonymise old requests."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .models import REMINDER_LEAD, Notification, VisitRequest
from .services import notify, visit_request_anonymise


def visit_reminders_queue(*, now: datetime | None = None, ahead: timedelta = REMINDER_LEAD) -> int:
    """Queue a reminder for every active visit starting within `ahead`; never twice.

    Each request is marked in the same transaction that records its reminder, and rows another
    run is handling are skipped (SKIP LOCKED on PostgreSQL; SQLite serialises writers), so
    overlapping cron runs cannot both remind. Requests made less than `ahead` before their visit
    just got their confirmation and get no reminder."""
    now = now or timezone.now()
    with transaction.atomic():
        due = VisitRequest.objects.filter(
            status__in=VisitRequest.ACTIVE_STATUSES,
            slot_start__gt=now,
            slot_start__lte=now + ahead,
            reminder_sent_at__isnull=True,
            anonymised_at__isnull=True,
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        queued = 0
        for visit_request in due:
            visit_request.reminder_sent_at = now
            visit_request.save(update_fields=["reminder_sent_at"])
            if visit_request.created_at > visit_request.slot_start - ahead:
                continue
            notify(visit_request, Notification.Kind.REMINDER)
            queued += 1
    return queued


def visit_requests_purge(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Anonymise requests whose visit (or, without one, whose request) is older than `older_than`."""
    cutoff = (now or timezone.now()) - older_than
    stale = VisitRequest.objects.filter(anonymised_at__isnull=True).filter(
        Q(slot_start__lt=cutoff) | Q(slot_start__isnull=True, created_at__lt=cutoff)
    )
    count = 0
    for visit_request in stale.iterator():
        visit_request_anonymise(visit_request=visit_request, now=now)
        count += 1
    return count
