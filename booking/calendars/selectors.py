"""Reads for calendar screens, the feed, the dashboard and /healthz. No writes here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import VisitRequest
from .models import CalendarAlert, CalendarConnection

# Past visits stay in the feed this long, and cancelled ones (STATUS:CANCELLED) for this long
# after the cancellation, so apps that poll once a day or a week still remove them.
FEED_KEEPS = timedelta(days=30)


def feed_visits(*, now: datetime | None = None) -> QuerySet[VisitRequest]:
    """The visits a staff feed holds: booked ones from a month ago on, including cancellations
    of the last month."""
    now = now or timezone.now()
    kept = now - FEED_KEEPS
    return (
        VisitRequest.objects.filter(slot_start__isnull=False, slot_end__isnull=False, slot_start__gte=kept)
        .filter(~Q(status__in=VisitRequest.CANCELLED_STATUSES) | Q(cancelled_at__gte=kept))
        .select_related("page")
        .order_by("slot_start", "pk")
    )


def open_alerts() -> QuerySet[CalendarAlert]:
    return (
        CalendarAlert.objects.filter(resolved_at__isnull=True)
        .select_related("visit_request", "connection__user")
        .order_by("visit_request__slot_start", "pk")
    )


@dataclass(frozen=True)
class ConnectionProblem:
    connection: CalendarConnection
    failed: bool
    stale: bool


def connection_problems(*, now: datetime | None = None) -> list[ConnectionProblem]:
    """Connections whose last pass failed, or that have not synced for too long (the worker or
    the timer is not running): the booking page is using old busy times for them."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.CALENDAR_SYNC_STALE_SECONDS)
    problems = []
    for connection in CalendarConnection.objects.select_related("user").order_by("pk"):
        failed = connection.status == CalendarConnection.Status.FAILED
        stale = (connection.last_synced_at or connection.created_at) < limit
        if failed or stale:
            problems.append(ConnectionProblem(connection=connection, failed=failed, stale=stale))
    return problems


def health() -> dict:
    """For /healthz: "degraded" (never down) when a calendar failed to sync or is stale."""
    problems = connection_problems()
    connected = CalendarConnection.objects.count()
    return {
        "status": "degraded" if problems else "ok",
        "connected": connected,
        "failed": sum(p.failed for p in problems),
        "stale": sum(p.stale for p in problems),
    }
