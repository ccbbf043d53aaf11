"""The waitlist's writes: joining, leaving, removing (staff) and claiming an offer. Booking the
claimed time goes through booking.services like any booking, so a claim takes a seat the same way."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .. import services
from ..errors import AlreadySubmitted, BookingError, InsideNoticeWindow, TooManyActive
from ..languages import current_language
from ..models import DiscoveryVisitPage, SlotSeat, VisitRequest
from . import tasks
from .emails import JOINED_EMAIL
from .models import WaitlistEntry, WaitlistOffer
from .offers import booking_settings, offerable


class OfferGone(Exception):
    """The offered time cannot be claimed any more: someone else took it, the hold ran out, or
    the time is too close. `reason` says which, for the page."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def waiting_for(*, email: str, phone: str) -> Q:
    return Q(status=WaitlistEntry.Status.WAITING) & (Q(email__iexact=email.strip()) | Q(phone=phone))


def waitlist_entry_create(
    *,
    page: DiscoveryVisitPage,
    patient: services.Patient | None = None,
    visit_request: VisitRequest | None = None,
    weekdays: list[int],
    parts: list[str],
    until: date,
    submission_token: uuid.UUID | None = None,
    language: str | None = None,
    now: datetime | None = None,
) -> WaitlistEntry:
    """Put a patient on the waitlist, or (with `visit_request`) a booked patient who wants an
    earlier time; queue the email that confirms it. The same per-contact limit as a booking."""
    now = now or timezone.now()
    if submission_token is not None:
        existing = WaitlistEntry.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            raise AlreadySubmitted(existing)
    fields = {}
    if visit_request is not None:
        # One wish per visit: asking again replaces the last one.
        WaitlistEntry.objects.filter(visit_request=visit_request, status=WaitlistEntry.Status.WAITING).update(
            status=WaitlistEntry.Status.LEFT, ended_at=now
        )
        language = language or visit_request.language
    else:
        limit = int(getattr(settings, "BOOKING_MAX_ACTIVE_PER_CONTACT", 2))
        # Waiting counts like a booking: a claimed offer books without asking again.
        count = WaitlistEntry.objects.filter(waiting_for(email=patient.email, phone=patient.phone)).count()
        count += services.active_requests_for(email=patient.email, phone=patient.phone, now=now).count()
        if limit and count >= limit:
            raise TooManyActive(count)
        fields = {
            "first_name": patient.first_name,
            "last_name": patient.last_name,
            "email": patient.email,
            "phone": patient.phone,
            "concern": patient.concern,
            "concern_other": patient.concern_other,
            "preferred_contact": patient.preferred_contact,
        }
    try:
        with transaction.atomic():
            entry = WaitlistEntry.objects.create(
                page=page,
                visit_request=visit_request,
                submission_token=submission_token,
                weekdays=",".join(str(day) for day in sorted(set(weekdays))),
                parts=",".join(parts),
                until=until,
                language=language or current_language(),
                consented_at=now,
                created_at=now,
                **fields,
            )
            tasks.email_after_commit(JOINED_EMAIL, entry.pk)
            # A time the patient wants may be free already, or free up before the next minute.
            tasks.offer_after_commit()
    except IntegrityError:
        existing = WaitlistEntry.objects.filter(submission_token=submission_token).first()
        if existing is None:
            raise
        raise AlreadySubmitted(existing) from None
    return entry


def waitlist_entry_leave(
    *, entry: WaitlistEntry, by_staff: bool = False, now: datetime | None = None
) -> WaitlistEntry:
    """The patient leaves the waitlist (or staff remove them): open offers are withdrawn and a
    held time is free again at once."""
    now = now or timezone.now()
    with transaction.atomic():
        entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status != WaitlistEntry.Status.WAITING:
            return entry
        entry.status = WaitlistEntry.Status.REMOVED if by_staff else WaitlistEntry.Status.LEFT
        entry.ended_at = now
        entry.save(update_fields=["status", "ended_at"])
        if entry.offers.filter(status=WaitlistOffer.Status.OPEN).update(
            status=WaitlistOffer.Status.WITHDRAWN, ended_at=now
        ):
            tasks.offer_after_commit()
    return entry


def offer_claim(*, offer: WaitlistOffer, now: datetime | None = None) -> VisitRequest:
    """The patient claims an offered time: it is booked for them (or their visit moves there), in
    one transaction, or OfferGone says why not.

    The database decides between claimants: every claimant of a time first locks that time's open
    offers, always in the same order (by pk), so they queue there rather than deadlock between
    the seat insert and marking the others taken; the seat's unique constraint (booking/seats.py)
    still refuses a second booking of the seat, against /book/ too."""
    now = now or timezone.now()
    gone = None
    with transaction.atomic():
        list(
            WaitlistOffer.objects.select_for_update()
            .filter(slot_start=offer.slot_start, status=WaitlistOffer.Status.OPEN)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        offer = WaitlistOffer.objects.select_related("entry__page", "entry__visit_request").get(pk=offer.pk)
        entry = offer.entry
        gone = why_gone(offer, now=now)
        if gone is None:
            try:
                with transaction.atomic():
                    visit_request = _book(offer, entry, now=now)
            except InsideNoticeWindow:
                gone = "too_late"  # the visit to move is inside the notice window: by phone now
            except BookingError:
                gone = "taken"
        if gone is not None:
            if offer.status == WaitlistOffer.Status.OPEN:
                offer.status = WaitlistOffer.Status.TAKEN if gone == "taken" else WaitlistOffer.Status.EXPIRED
                offer.ended_at = now
                offer.save(update_fields=["status", "ended_at"])
                tasks.offer_after_commit()  # the patient is free for the next offer
        else:
            offer.status = WaitlistOffer.Status.CLAIMED
            offer.ended_at = now
            offer.visit_request = visit_request
            offer.save(update_fields=["status", "ended_at", "visit_request"])
            WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.BOOKED, ended_at=now)
            others = WaitlistOffer.objects.filter(status=WaitlistOffer.Status.OPEN).exclude(pk=offer.pk)
            # The patient's other offers, and everyone's for this time once its seats are gone.
            others.filter(entry=entry).update(status=WaitlistOffer.Status.WITHDRAWN, ended_at=now)
            capacity = entry.page.schedule_page.capacity if entry.page else 1
            if SlotSeat.objects.filter(slot_start=offer.slot_start).count() >= capacity:
                others.filter(slot_start=offer.slot_start).update(
                    status=WaitlistOffer.Status.TAKEN, ended_at=now
                )
            if entry.visit_request_id:
                tasks.offer_after_commit()  # the visit's old time is free now
    if gone is not None:
        raise OfferGone(gone)
    return visit_request


def why_gone(offer: WaitlistOffer, *, now: datetime) -> str | None:
    if offer.status == WaitlistOffer.Status.CLAIMED:
        return "claimed"
    if offer.status == WaitlistOffer.Status.TAKEN:
        return "taken"
    if offer.status == WaitlistOffer.Status.EXPIRED:
        return "expired"
    if offer.status != WaitlistOffer.Status.OPEN or offer.entry.status != WaitlistEntry.Status.WAITING:
        return "ended"
    if offer.expires_at is not None and offer.expires_at <= now:
        return "expired"
    page = offer.entry.page
    if page is None or not offerable(
        offer.slot_start, now=now, notice_hours=booking_settings(page).change_notice_hours
    ):
        return "too_late"
    return None


def _book(offer: WaitlistOffer, entry: WaitlistEntry, *, now: datetime) -> VisitRequest:
    if entry.visit_request_id:
        return services.visit_request_reschedule(
            visit_request=entry.visit_request, slot_start=offer.slot_start, now=now, offer=offer
        )
    patient = services.Patient(
        first_name=entry.first_name,
        last_name=entry.last_name,
        email=entry.email,
        phone=entry.phone,
        concern=entry.concern,
        concern_other=entry.concern_other,
        preferred_contact=entry.preferred_contact,
    )
    return services.visit_request_create(
        page=entry.page,
        patient=patient,
        slot_start=offer.slot_start,
        language=entry.language,
        offer=offer,
        now=now,
        check_limit=False,
    )


def waitlist_entries_purge(*, older_than: timedelta, now: datetime | None = None) -> int:
    """The retention purge (purge_visit_requests): anonymise entries that ended, or were made,
    more than `older_than` ago; one still waiting so long is ended first. Counts stay."""
    now = now or timezone.now()
    cutoff = now - older_than
    stale = WaitlistEntry.objects.filter(anonymised_at__isnull=True).filter(
        Q(ended_at__lt=cutoff) | Q(ended_at__isnull=True, created_at__lt=cutoff)
    )
    count = 0
    for entry in stale.iterator():
        waitlist_entry_leave(entry=entry, by_staff=True, now=now)
        WaitlistEntry.objects.filter(pk=entry.pk).update(
            first_name="Anonymised",
            last_name="",
            email="anonymised@invalid",
            phone="",
            concern_other="",
            anonymised_at=now,
        )
        count += 1
    return count
