"""The only code that writes visit requests: book, cancel, move, change status, anonymise, and
the emails each change sends. Seats (capacity) are in seats.py, the cron jobs (reminders,
purging) in housekeeping.py, the errors shown to patients in errors.py."""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from wagtail.models import Page

from clinic import ratelimit
from clinic.models import CareArea

from . import seats
from .calendars.tasks import push_after_commit
from .emails import change_notice_hours, staff_recipients
from .errors import (
    AlreadySubmitted,
    InsideNoticeWindow,
    OutcomeTooEarly,
    RequestClosed,
    TooManyActive,
)
from .languages import current_language
from .models import DiscoveryVisitPage, Notification, SlotSeat, VisitRequest, WaitlistOffer
from .notice import within_notice_window
from .selectors import SPIKE_WINDOW
from .tasks import enqueue_notification, enqueue_spike_alert
from .tokens import UNSCHEDULED_MAX_AGE
from .waitlist.tasks import offer_after_commit


@dataclass(frozen=True)
class Patient:
    first_name: str
    last_name: str
    email: str
    phone: str  # E.164
    concern: CareArea | None = None
    concern_other: str = ""
    race_date: date | None = None
    note: str = ""
    preferred_contact: str = VisitRequest.ContactMethod.EMAIL


def visit_request_create(
    *,
    page: DiscoveryVisitPage,
    patient: Patient,
    slot_start: datetime | None,
    preferred_times: str = "",
    source_page: Page | None = None,
    submission_token: uuid.UUID | None = None,
    booked_here: VisitRequest | None = None,
    language: str | None = None,
    offer: WaitlistOffer | None = None,
    check_limit: bool = True,
    now: datetime | None = None,
) -> VisitRequest:
    """Save a request, at a slot (holding a seat) or at preferred times; queue its emails.

    One visit per booking intent. A second call with the same submission token (the form sent
    twice: a double click, a reload, Back to the same form) makes no second request; the
    database's unique token decides when the two race. Nor does a send from the browser that has
    just booked (`booked_here`, from its session: Back to a fresh form, a second tab) when that
    booking is still to come and the same patient sends (`_same_person`). Both raise
    AlreadySubmitted with the first request. The per-contact limit comes after, for the rest.

    `language` (default: the active one, the page's) is the patient's: every message follows it.
    `offer`: the waitlist offer being claimed, whose hold on the time is the patient's own (the
    per-contact limit was checked when they joined the waitlist: `check_limit` False)."""
    now = now or timezone.now()
    if submission_token is not None:
        existing = VisitRequest.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            raise AlreadySubmitted(existing, same_patient=_same_person(existing, patient, exactly=True))
    if booked_here is not None:
        booked_here = VisitRequest.objects.filter(pk=booked_here.pk).first()
        if (
            booked_here is not None
            and _still_to_come(booked_here, now=now)
            and _same_person(booked_here, patient)
        ):
            raise AlreadySubmitted(booked_here, same_patient=True)
    if check_limit:
        _check_active_limit(patient, now=now)
    try:
        with transaction.atomic():
            visit_request = VisitRequest.objects.create(
                page=page,
                submission_token=submission_token,
                slot_start=None,
                preferred_times=preferred_times if slot_start is None else "",
                first_name=patient.first_name,
                last_name=patient.last_name,
                email=patient.email,
                phone=patient.phone,
                concern=patient.concern,
                concern_other=patient.concern_other,
                race_date=patient.race_date,
                note=patient.note,
                preferred_contact=patient.preferred_contact,
                consented_at=now,
                source_page=source_page,
                language=language or current_language(),
                created_at=now,
            )
            if slot_start is not None:
                seats.book_seat(visit_request, page=page, slot_start=slot_start, now=now, claiming=offer)
            notify(visit_request, Notification.Kind.CONFIRMATION, Notification.Kind.STAFF_NEW)
            _alert_staff_on_spike(visit_request, now=now)
            push_after_commit(visit_request)
    except IntegrityError:
        # The same form posted twice at once: the other request won the unique token.
        existing = VisitRequest.objects.filter(submission_token=submission_token).first()
        if submission_token is None or existing is None:
            raise
        raise AlreadySubmitted(existing, same_patient=_same_person(existing, patient, exactly=True)) from None
    return visit_request


def _same_person(visit_request: VisitRequest, patient: Patient, *, exactly: bool = False) -> bool:
    """The patient sending now is the one who made `visit_request`: the same first name, and the
    same email address (any case) or phone number. A parent booking a child's visit next is not.

    `exactly`: the same email address and phone number, for a form token sent again: the same
    form, not a token copied into someone else's form."""
    if visit_request.first_name.strip().casefold() != patient.first_name.strip().casefold():
        return False
    same_email = visit_request.email.strip().lower() == patient.email.strip().lower()
    same_phone = visit_request.phone == patient.phone
    return (same_email and same_phone) if exactly else (same_email or same_phone)


def _still_to_come(visit_request: VisitRequest, *, now: datetime) -> bool:
    if not visit_request.is_active or visit_request.anonymised_at:
        return False
    return visit_request.slot_start is None or visit_request.slot_start > now


def active_requests_for(*, email: str, phone: str, now: datetime) -> QuerySet[VisitRequest]:
    """Requests still to come (or awaiting a call) made with this email address or phone."""
    return VisitRequest.objects.filter(
        Q(email__iexact=email.strip()) | Q(phone=phone),
        Q(slot_start__gt=now) | Q(slot_start__isnull=True, created_at__gte=now - UNSCHEDULED_MAX_AGE),
        status__in=VisitRequest.ACTIVE_STATUSES,
        anonymised_at__isnull=True,
    )


def _check_active_limit(patient: Patient, *, now: datetime) -> None:
    """One person with a few addresses must not hoard the slots.

    A soft limit: two requests sent at the same instant can both pass the count; the per-address
    rate limit and the staff alert on spikes cover what gets through that way."""
    limit = int(getattr(settings, "BOOKING_MAX_ACTIVE_PER_CONTACT", 2))
    if not limit:
        return
    count = active_requests_for(email=patient.email, phone=patient.phone, now=now).count()
    if count >= limit:
        raise TooManyActive(count)


def _alert_staff_on_spike(visit_request: VisitRequest, *, now: datetime) -> None:
    """Tell staff, at most once an hour, when requests arrive faster than a clinic's normal day."""
    threshold = int(getattr(settings, "BOOKING_SPIKE_THRESHOLD", 20))
    if not threshold:
        return
    recent = VisitRequest.objects.filter(created_at__gt=now - SPIKE_WINDOW).count()
    if recent <= threshold:
        return
    # The first request past the threshold in each hour claims the alert; the counter lives in
    # the database, so several server processes cannot each send one.
    if ratelimit.hit(
        scope="spike-alert", key="all", limit=1, period=int(SPIKE_WINDOW.total_seconds()), now=now
    ):
        transaction.on_commit(lambda: enqueue_spike_alert(visit_request.pk, recent))


def _check_notice(visit_request: VisitRequest, *, now: datetime) -> None:
    """A patient's own move or cancel, refused inside the clinic's notice window (staff are not
    asked: they change visits by phone with the patient)."""
    hours = change_notice_hours(visit_request)
    if within_notice_window(visit_request.slot_start, now=now, hours=hours):
        raise InsideNoticeWindow(hours)


def visit_request_cancel(
    *, visit_request: VisitRequest, by_patient: bool = True, now: datetime | None = None
) -> VisitRequest:
    """Cancel the request and free its seat for someone else. The patient's own cancellation is
    refused inside the notice window (InsideNoticeWindow)."""
    now = now or timezone.now()
    with transaction.atomic():
        visit_request = VisitRequest.objects.select_for_update().get(pk=visit_request.pk)
        if visit_request.status == VisitRequest.Status.CANCELLED:
            return visit_request
        if by_patient:
            _check_notice(visit_request, now=now)
        seats.cancel_and_free_seat(visit_request, at=now)
        visit_request.save(update_fields=["status", "cancelled_at", "calendar_sequence", "updated_at"])
        push_after_commit(visit_request)
        offer_after_commit()
        if by_patient:
            notify(visit_request, Notification.Kind.CANCELLED, Notification.Kind.STAFF_CANCELLED)
    return visit_request


def visit_request_reschedule(
    *,
    visit_request: VisitRequest,
    slot_start: datetime,
    now: datetime | None = None,
    by_patient: bool = True,
    offer: WaitlistOffer | None = None,
) -> VisitRequest:
    """Move an active request to another free slot; its old seat is freed in the same transaction.
    The patient's own move is refused inside the notice window (InsideNoticeWindow).

    A move by staff queues no email here: `visit_request_update` tells the patient, once."""
    now = now or timezone.now()
    with transaction.atomic():
        visit_request = VisitRequest.objects.select_for_update().get(pk=visit_request.pk)
        if not visit_request.is_active or visit_request.page is None:
            raise RequestClosed()
        if by_patient:
            _check_notice(visit_request, now=now)
        previous = visit_request.slot_start
        SlotSeat.objects.filter(visit_request=visit_request).delete()
        seats.book_seat(
            visit_request, page=visit_request.page, slot_start=slot_start, now=now, claiming=offer
        )
        visit_request.reminder_sent_at = None
        # Links sent before the move stop working; the "new time" email carries the new one.
        visit_request.link_version += 1
        # Same event UID, higher SEQUENCE: the patient's calendar replaces the old time.
        visit_request.calendar_sequence += 1
        visit_request.save(
            update_fields=["reminder_sent_at", "link_version", "calendar_sequence", "updated_at"]
        )
        push_after_commit(visit_request)
        if previous:
            offer_after_commit()  # the old time is free for the waitlist
        if by_patient:
            notify(
                visit_request,
                Notification.Kind.MOVED,
                Notification.Kind.STAFF_MOVED,
                previous_slot_start=previous,
            )
    return visit_request


def visit_request_set_status(
    *, visit_request: VisitRequest, status: str, staff_notes: str | None = None
) -> VisitRequest:
    """Staff move a request along new -> contacted -> confirmed -> attended / no-show / cancelled."""
    if status not in VisitRequest.Status.values:
        raise ValueError(f"Unknown status {status!r}")
    with transaction.atomic():
        visit_request = VisitRequest.objects.select_for_update().get(pk=visit_request.pk)
        if status in VisitRequest.CANCELLED_STATUSES:
            # Cancelling again keeps the time of the first cancellation.
            if visit_request.is_active and visit_request.slot_start:
                offer_after_commit()
            seats.cancel_and_free_seat(visit_request, at=visit_request.cancelled_at or timezone.now())
        elif visit_request.status in VisitRequest.CANCELLED_STATUSES and visit_request.slot_start:
            seats.reclaim_seat(visit_request)
            visit_request.cancelled_at = None
            # The patient's calendar may hold the cancellation: only a higher SEQUENCE brings it back.
            visit_request.calendar_sequence += 1
        visit_request.status = status
        if staff_notes is not None:
            visit_request.staff_notes = staff_notes
        visit_request.save()
        push_after_commit(visit_request)
    return visit_request


def visit_request_mark_outcome(
    *, visit_request: VisitRequest, outcome: str, now: datetime | None = None
) -> VisitRequest:
    """The front desk records what happened at a visit whose time has come: attended, no-show or
    late cancel (a mark can be corrected by marking again). No email goes to the patient."""
    if outcome not in VisitRequest.OUTCOME_STATUSES:
        raise ValueError(f"Not an outcome: {outcome!r}")
    now = now or timezone.now()
    with transaction.atomic():
        locked = VisitRequest.objects.select_for_update().get(pk=visit_request.pk)
        if locked.slot_start is None or locked.slot_start > now:
            raise OutcomeTooEarly()
        if not (locked.is_active or locked.status in VisitRequest.OUTCOME_STATUSES):
            raise RequestClosed()
        return visit_request_set_status(visit_request=locked, status=outcome)


# The patient-facing emails that tell the patient where their visit stands, and that state.
_STATE_TOLD = {
    Notification.Kind.CONFIRMATION: "booked",
    Notification.Kind.MOVED: "moved",
    Notification.Kind.CLINIC_MOVED: "moved",
    Notification.Kind.CONFIRMED: VisitRequest.Status.CONFIRMED,
    Notification.Kind.CANCELLED: VisitRequest.Status.CANCELLED,
    Notification.Kind.CLINIC_CANCELLED: VisitRequest.Status.CANCELLED,
}


def visit_request_update(
    *,
    visit_request: VisitRequest,
    status: str,
    staff_notes: str | None = None,
    slot_start: datetime | None = None,
    now: datetime | None = None,
) -> VisitRequest:
    """Staff change a request in the inbox: its status, its time (moved like the patient's own
    move, through `visit_request_reschedule`) and their notes, in one transaction.

    The patient is emailed when staff confirm, cancel or move the visit, once per change: a
    confirmation or cancellation the patient was already sent (and told nothing since) is not
    sent again. Notes and the other statuses send nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        before = VisitRequest.objects.select_for_update().get(pk=visit_request.pk)
        previous_slot_start = before.slot_start  # rescheduling updates `before` in place
        moving = slot_start is not None and slot_start != before.slot_start
        if moving:
            if status not in VisitRequest.ACTIVE_STATUSES:
                raise RequestClosed()
            visit_request_reschedule(visit_request=before, slot_start=slot_start, now=now, by_patient=False)
        visit_request = visit_request_set_status(visit_request=before, status=status, staff_notes=staff_notes)
        kind = _staff_change_email(before, visit_request, moved=moving, now=now)
        # A move is always news; a confirmation or cancellation only if not the last word sent.
        if kind and (kind == Notification.Kind.CLINIC_MOVED or _told(visit_request) != _STATE_TOLD[kind]):
            notify(visit_request, kind, previous_slot_start=previous_slot_start if moving else None)
    return visit_request


def _staff_change_email(
    before: VisitRequest, after: VisitRequest, *, moved: bool, now: datetime
) -> str | None:
    """The email a staff change calls for, if any: one per save, a cancellation before a move.

    Housekeeping sends nothing: marking a past visit, or cancelling one that was no longer on."""
    if after.anonymised_at or (after.slot_start and after.slot_start <= now):
        return None
    if after.status in VisitRequest.CANCELLED_STATUSES:
        return Notification.Kind.CLINIC_CANCELLED if before.is_active else None
    if moved:
        return Notification.Kind.CLINIC_MOVED
    if after.status == VisitRequest.Status.CONFIRMED and before.status != VisitRequest.Status.CONFIRMED:
        return Notification.Kind.CONFIRMED
    return None


def _told(visit_request: VisitRequest) -> str | None:
    """Where the patient was last told their visit stands (emails that failed for good told
    them nothing)."""
    last = (
        visit_request.notifications.filter(kind__in=_STATE_TOLD)
        .exclude(status=Notification.Status.FAILED)
        .order_by("-created_at", "-pk")
        .first()
    )
    return _STATE_TOLD[last.kind] if last else None


def visit_request_anonymise(*, visit_request: VisitRequest, now: datetime | None = None) -> VisitRequest:
    """Remove the patient's personal and health details; keep what reports count. A booking still
    to come is cancelled too, so its time is free for someone else."""
    now = now or timezone.now()
    with transaction.atomic():
        # Locked and read afresh, like every writer: a stale copy must not undo another's change.
        visit_request = VisitRequest.objects.select_for_update().get(pk=visit_request.pk)
        if visit_request.is_active:
            seats.cancel_and_free_seat(visit_request, at=now)
            offer_after_commit()
        visit_request.first_name = "Anonymised"
        visit_request.last_name = ""
        visit_request.email = "anonymised@invalid"
        visit_request.phone = ""
        visit_request.note = ""
        visit_request.preferred_times = ""
        visit_request.concern_other = ""
        visit_request.race_date = None
        visit_request.staff_notes = ""
        visit_request.anonymised_at = now
        visit_request.save()
        visit_request.notifications.update(last_error="")
        push_after_commit(visit_request)
    return visit_request


def visit_request_links_send(*, email: str, now: datetime | None = None) -> int:
    """Email a fresh manage link for each of this address's requests that can still be changed
    online; return how many. The caller must not tell the visitor the number: whether an
    address has a booking is the patient's business."""
    now = now or timezone.now()
    key = ratelimit.email_key(email)
    # The database's case-insensitive match differs by engine and collation (PostgreSQL's UPPER
    # makes "ı" an "I", SQLite's only folds ASCII): it only narrows the rows down, and the match
    # is the same normalisation the per-address rate limit counts by, so every spelling that
    # reaches a patient's requests is counted as that patient's address.
    candidates = VisitRequest.objects.filter(
        Q(slot_start__gt=now) | Q(slot_start__isnull=True, created_at__gte=now - UNSCHEDULED_MAX_AGE),
        email__iexact=unicodedata.normalize("NFKC", email.strip()),
        status__in=VisitRequest.ACTIVE_STATUSES,
        anonymised_at__isnull=True,
    )
    sent = 0
    with transaction.atomic():
        for visit_request in candidates:
            if ratelimit.email_key(visit_request.email) == key:
                notify(visit_request, Notification.Kind.LINK)
                sent += 1
    return sent


def notify(visit_request: VisitRequest, *kinds: str, previous_slot_start: datetime | None = None) -> None:
    """Record the emails to send and send them by task once the booking is committed; a move's
    emails keep the time it moved from."""
    for kind in kinds:
        if kind.startswith("staff_") and not staff_recipients(visit_request):
            continue
        notification = Notification.objects.create(
            visit_request=visit_request, kind=kind, previous_slot_start=previous_slot_start
        )
        transaction.on_commit(lambda pk=notification.pk: enqueue_notification(pk))
