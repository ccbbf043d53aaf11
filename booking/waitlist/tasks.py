"""The waitlist's background work on the "clinic" task backend: offering freed times after a
change is committed, and sending the waitlist's emails."""

import logging

from django_tasks import task

from django.db import transaction
from django.utils import timezone

from . import emails, offers
from .models import WaitlistEntry

logger = logging.getLogger(__name__)

BACKEND = "clinic"


@task(backend=BACKEND)
def offer_free_times_task() -> int:
    return offers.offer_free_times()


def offer_after_commit() -> None:
    """A time may have freed up (a cancel, a move, new hours...): offer it once the change is
    committed. Queueing must never cost the change itself; `waitlist_advance` catches up."""

    def enqueue():
        if not WaitlistEntry.objects.filter(status=WaitlistEntry.Status.WAITING).exists():
            return  # nobody waits: no task to queue on every cancel and publish
        try:
            offer_free_times_task.enqueue()
        except Exception:  # noqa: BLE001
            logger.exception("Could not queue the waitlist's offers")

    transaction.on_commit(enqueue)


@task(backend=BACKEND)
def send_waitlist_email(kind: str, pk: int) -> str:
    return emails.send(kind, pk, now=timezone.now())


def email_after_commit(kind: str, pk: int) -> None:
    def enqueue():
        try:
            send_waitlist_email.enqueue(kind, pk)
        except Exception:  # noqa: BLE001
            logger.exception("Could not queue a waitlist email")

    transaction.on_commit(enqueue)


def offer_after_publish(sender, **kwargs) -> None:
    """page_published receiver for the booking page: its hours or closures may have changed."""
    offer_after_commit()


def offer_after_hours_change(sender, **kwargs) -> None:
    """post_save receiver for the clinic settings: longer opening hours may free times at once."""
    offer_after_commit()
