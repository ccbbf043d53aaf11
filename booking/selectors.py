"""Reads for staff screens: the dashboard panel, the menu counts, the inbox filter and the
source report. No writes here (those are in services.py) and no request or HTML."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from wagtail.models import Page

from .models import Notification, VisitRequest


def failed_notifications_exist() -> Exists:
    """True for a visit request with an email that failed for good (for filter/annotate)."""
    return Exists(
        Notification.objects.filter(visit_request=OuterRef("pk"), status=Notification.Status.FAILED)
    )


def visit_requests_with_failed_emails() -> QuerySet[VisitRequest]:
    return VisitRequest.objects.filter(failed_notifications_exist()).distinct()


# New requests within this window above BOOKING_SPIKE_THRESHOLD warn staff.
SPIKE_WINDOW = timedelta(hours=1)


def request_spike(*, now: datetime | None = None) -> int | None:
    """How many requests arrived in the last hour, when that is more than the alert threshold."""
    threshold = int(getattr(settings, "BOOKING_SPIKE_THRESHOLD", 20))
    if not threshold:
        return None
    recent = VisitRequest.objects.filter(created_at__gt=(now or timezone.now()) - SPIKE_WINDOW).count()
    return recent if recent > threshold else None


def new_visit_request_count() -> int:
    return VisitRequest.objects.filter(status=VisitRequest.Status.NEW, anonymised_at__isnull=True).count()


def failed_notification_count() -> int:
    return Notification.objects.filter(status=Notification.Status.FAILED).count()


@dataclass(frozen=True)
class Agenda:
    today: QuerySet[VisitRequest]
    upcoming: QuerySet[VisitRequest]


def visit_agenda(*, now: datetime | None = None, upcoming_limit: int = 20) -> Agenda:
    """Active booked visits today and from tomorrow to a week from now ("today" in the current
    time zone: the admin activates the staff member's own)."""
    now = now or timezone.now()
    start_of_today = timezone.make_aware(datetime.combine(timezone.localdate(now), datetime.min.time()))
    start_of_tomorrow = start_of_today + timedelta(days=1)
    active = VisitRequest.objects.filter(
        status__in=VisitRequest.ACTIVE_STATUSES, slot_start__isnull=False
    ).order_by("slot_start")
    return Agenda(
        today=active.filter(slot_start__gte=start_of_today, slot_start__lt=start_of_tomorrow),
        upcoming=active.filter(slot_start__gte=start_of_tomorrow, slot_start__lt=now + timedelta(days=7))[
            :upcoming_limit
        ],
    )


def source_report_rows() -> list[dict]:
    """Requests per source page per month, newest month first (anonymised requests count too)."""
    rows = (
        VisitRequest.objects.annotate(month=TruncMonth("created_at"))
        .values("month", "source_page")
        .annotate(requests=Count("pk"))
        .order_by("-month", "-requests")
    )
    titles = dict(Page.objects.filter(pk__in={r["source_page"] for r in rows}).values_list("pk", "title"))
    return [
        {
            "month": r["month"],
            "source": titles.get(r["source_page"], "Deleted page")
            if r["source_page"]
            else "Direct / unknown",
            "requests": r["requests"],
        }
        for r in rows
    ]
