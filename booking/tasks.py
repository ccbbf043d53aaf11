"""Emails about visit requests, sent by django-tasks on the "clinic" backend after commit.

django-tasks has no automatic retry: a failed send records the error on its Notification and is
tried again later with exponential backoff (re-enqueued with run_after where the backend can
defer; otherwise picked up by `send_visit_reminders`, which cron runs every few minutes). After
the last attempt the notification is marked failed, which the admin shows to staff."""

import logging
from datetime import timedelta

from django_tasks import task, task_backends

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .emails import build_message, build_spike_alert
from .models import Notification, VisitRequest

logger = logging.getLogger(__name__)

BACKEND = "clinic"


def max_email_attempts() -> int:
    return int(getattr(settings, "BOOKING_EMAIL_MAX_ATTEMPTS", 5))


def backoff(attempts: int) -> timedelta:
    """1, 4, 16, 64 minutes... after the 1st, 2nd, 3rd, 4th failure."""
    return timedelta(minutes=4 ** (attempts - 1))


@task(backend=BACKEND)
def send_notification(notification_id: int) -> str:
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("visit_request__page", "visit_request__concern")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.status in (
            Notification.Status.SENT,
            Notification.Status.FAILED,
        ):
            return "skipped"
        notification.attempts += 1
        try:
            message = build_message(notification)
            if message.to:
                message.send()
        except Exception as error:  # noqa: BLE001 - any failure to send is recorded and retried
            # The error's type and message for staff; a refused-recipient error quotes the
            # address, so the patient's is masked.
            text = f"{type(error).__name__}: {error}".replace(notification.visit_request.email, "<patient>")
            notification.last_error = text[:300]
            if notification.attempts >= max_email_attempts():
                notification.status = Notification.Status.FAILED
                notification.next_attempt_at = None
                logger.error(
                    "Notification %s failed for good after %s attempts",
                    notification.pk,
                    notification.attempts,
                )
            else:
                notification.status = Notification.Status.RETRYING
                notification.next_attempt_at = timezone.now() + backoff(notification.attempts)
                logger.warning("Notification %s failed, will retry", notification.pk)
            notification.save()
            if notification.status == Notification.Status.RETRYING and _can_defer():
                run_after = notification.next_attempt_at
                transaction.on_commit(lambda: enqueue_notification(notification_id, run_after=run_after))
            return notification.status
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.next_attempt_at = None
        notification.save()
        return notification.status


def enqueue_notification(notification_id: int, *, run_after=None) -> None:
    """Queue a notification's email. Queueing must never lose or block a booking: if the queue
    itself fails, the notification stays queued and the sweeper sends it later."""
    try:
        if run_after is not None and _can_defer():
            send_notification.using(run_after=run_after).enqueue(notification_id)
        else:
            send_notification.enqueue(notification_id)
    except Exception:  # noqa: BLE001
        logger.exception("Could not queue notification %s", notification_id)


def retry_due_notifications(*, now=None) -> int:
    """Queue again the notifications whose retry time has come (or that never got queued)."""
    now = now or timezone.now()
    # A queued email not sent within ten minutes was lost on the way (a worker died, the queue
    # was down); a retry is due when its backend cannot defer tasks itself.
    due = Notification.objects.filter(
        status=Notification.Status.QUEUED, created_at__lte=now - timedelta(minutes=10)
    )
    if not _can_defer():
        due = due | Notification.objects.filter(status=Notification.Status.RETRYING, next_attempt_at__lte=now)
    ids = list(due.values_list("pk", flat=True))
    for notification_id in ids:
        enqueue_notification(notification_id)
    return len(ids)


def _can_defer() -> bool:
    return task_backends[BACKEND].supports_defer


@task(backend=BACKEND)
def send_spike_alert(visit_request_id: int, recent: int) -> str:
    """Tell staff that unusually many requests arrived; the subject names no patient."""
    visit_request = VisitRequest.objects.select_related("page").filter(pk=visit_request_id).first()
    if visit_request is None:
        return "skipped"
    message = build_spike_alert(visit_request, recent=recent)
    if message.to:
        message.send()
    return "sent"


def enqueue_spike_alert(visit_request_id: int, recent: int) -> None:
    try:
        send_spike_alert.enqueue(visit_request_id, recent)
    except Exception:  # noqa: BLE001 - an alert must never cost a booking
        logger.exception("Could not queue the booking spike alert")
