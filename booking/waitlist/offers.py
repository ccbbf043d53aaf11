"""Offering freed times to the waitlist, and handing held times on when a hold expires.

`offer_free_times` is the one function every change that can free a time ends in (a cancel, a
move, new opening hours, a removed closure, a calendar busy time that ends) and the scheduler's
`waitlist_advance` runs every minute: it looks at what is free now, so a missed trigger costs a
minute, never an offer. Which entries want which time is `wants`, a pure function."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, tzinfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from wagtail.models import Site

from ..models import BookingSettings, DiscoveryVisitPage, VisitRequest
from ..notice import within_notice_window
from ..picker import part_of_day
from . import emails, tasks
from .emails import JOINED_EMAIL, OFFER_EMAIL
from .models import WaitlistEntry, WaitlistOffer

logger = logging.getLogger(__name__)


def wants(
    *,
    weekdays: list[int],
    parts: list[str],
    until: date,
    slot_start: datetime,
    tz: tzinfo,
    booked_at: datetime | None = None,
) -> bool:
    """Whether a waitlist entry asking for these weekdays and parts of the day until `until`
    wants the time at `slot_start`; a patient already booked (`booked_at`) only wants earlier."""
    local = slot_start.astimezone(tz)
    if booked_at is not None and slot_start >= booked_at:
        return False
    return local.weekday() in weekdays and part_of_day(local.time()) in parts and local.date() <= until


def booking_settings(page: DiscoveryVisitPage | None) -> BookingSettings:
    site = (page.get_site() if page else None) or Site.objects.get(is_default_site=True)
    return BookingSettings.for_site(site)


def offerable(start: datetime, *, now: datetime, notice_hours: int) -> bool:
    """No offers for times past or inside the notice window: the patient could not change them."""
    return start > now and not within_notice_window(start, now=now, hours=notice_hours)


def _entry_wants(entry: WaitlistEntry, slot_start: datetime, tz) -> bool:
    booked_at = None
    if entry.visit_request_id:
        visit = entry.visit_request
        if not visit.is_active or visit.slot_start is None:
            return False
        booked_at = visit.slot_start
    return wants(
        weekdays=entry.weekday_list,
        parts=entry.part_list,
        until=entry.until,
        slot_start=slot_start,
        tz=tz,
        booked_at=booked_at,
    )


def offer_free_times(*, now: datetime | None = None) -> int:
    """Offer the free times waiting patients want; return how many offers were made.

    One at a time (the default): each free time goes to the first patient, in the order they
    joined, who wants it and has not been offered it, and is held for them. Everyone at once:
    every patient who wants it is offered it, without a hold. Either way a patient has one open
    offer at a time, so nobody gets a flood of emails or holds several times."""
    now = now or timezone.now()
    waiting = list(
        WaitlistEntry.objects.filter(
            status=WaitlistEntry.Status.WAITING, until__gte=timezone.localdate(now), page__isnull=False
        ).select_related("visit_request", "page")
    )
    if not waiting:
        return 0
    page = waiting[0].page.schedule_page
    settings_ = booking_settings(page)
    one_at_a_time = settings_.waitlist_policy == BookingSettings.WaitlistPolicy.ONE_AT_A_TIME
    hold = timedelta(minutes=settings_.waitlist_hold_minutes)
    tz = timezone.get_default_timezone()
    free = [
        slot
        for slot in page.free_slots(now=now)
        if offerable(slot.start, now=now, notice_hours=settings_.change_notice_hours)
    ]
    offered = set(WaitlistOffer.objects.filter(entry__in=waiting).values_list("entry_id", "slot_start"))
    busy = set(
        WaitlistOffer.objects.filter(entry__in=waiting, status=WaitlistOffer.Status.OPEN).values_list(
            "entry_id", flat=True
        )
    )
    made = 0
    for slot in free:
        candidates = [
            entry
            for entry in waiting
            if entry.pk not in busy
            and (entry.pk, slot.start) not in offered
            and _entry_wants(entry, slot.start, tz)
        ]
        if one_at_a_time:
            candidates = candidates[:1]
        for entry in candidates:
            offer = _make_offer(entry, slot.start, expires_at=now + hold if one_at_a_time else None, now=now)
            if offer is not None:
                busy.add(entry.pk)
                made += 1
    return made


def _make_offer(
    entry: WaitlistEntry, slot_start: datetime, *, expires_at: datetime | None, now: datetime, by_staff=False
) -> WaitlistOffer | None:
    """Record an offer and queue its email; None if another pass made it (or a hold) first: the
    database's unique constraints decide between two passes running at once."""
    try:
        with transaction.atomic():
            offer = WaitlistOffer.objects.create(
                entry=entry, slot_start=slot_start, expires_at=expires_at, created_at=now, by_staff=by_staff
            )
            tasks.email_after_commit(OFFER_EMAIL, offer.pk)
    except IntegrityError:
        return None
    return offer


def offer_by_staff(
    *, entry: WaitlistEntry, slot_start: datetime, now: datetime | None = None
) -> WaitlistOffer:
    """Staff offer a free time to one patient by hand: held for them as under "one at a time",
    whatever the policy, since staff chose them. Raises ValueError when the time cannot be offered."""
    now = now or timezone.now()
    if entry.status != WaitlistEntry.Status.WAITING:
        raise ValueError("This patient is no longer waiting.")
    page = entry.page.schedule_page
    settings_ = booking_settings(page)
    if not offerable(slot_start, now=now, notice_hours=settings_.change_notice_hours):
        raise ValueError("That time is past or inside the notice window.")
    if not any(slot.start == slot_start for slot in page.free_slots(now=now)):
        raise ValueError("That time is not free.")
    with transaction.atomic():
        # The patient's other open offer gives way: one open offer each.
        entry.offers.filter(status=WaitlistOffer.Status.OPEN).update(
            status=WaitlistOffer.Status.WITHDRAWN, ended_at=now
        )
        offer = _make_offer(
            entry,
            slot_start,
            expires_at=now + timedelta(minutes=settings_.waitlist_hold_minutes),
            now=now,
            by_staff=True,
        )
    if offer is None:
        raise ValueError("That time was already offered to this patient or is held for another.")
    return offer


def waitlist_advance(*, now: datetime | None = None) -> dict[str, int]:
    """The scheduler's minute: expire holds and hand their times on, withdraw offers for times now
    past or inside the notice window (or taken by someone else), end entries whose "until" date
    has passed or whose visit is over, then offer what is free."""
    now = now or timezone.now()
    counts = {}
    with transaction.atomic():
        # Locked in one order (by pk), like a claim locks its time's offers: never a deadlock.
        expired = list(
            WaitlistOffer.objects.select_for_update()
            .filter(status=WaitlistOffer.Status.OPEN, expires_at__lte=now)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        counts["expired"] = WaitlistOffer.objects.filter(pk__in=expired).update(
            status=WaitlistOffer.Status.EXPIRED, ended_at=now
        )
    open_offers = list(
        WaitlistOffer.objects.filter(status=WaitlistOffer.Status.OPEN).select_related("entry__page")
    )
    withdrawn = []
    taken = []
    if open_offers:
        page = open_offers[0].entry.page
        notice_hours = booking_settings(page).change_notice_hours if page else 0
        free = {slot.start for slot in page.schedule_page.free_slots(now=now)} if page else set()
        for offer in open_offers:
            if not offerable(offer.slot_start, now=now, notice_hours=notice_hours):
                withdrawn.append(offer.pk)
            elif offer.expires_at is None and offer.slot_start not in free:
                taken.append(offer.pk)
    counts["withdrawn"] = _end_offers(withdrawn, WaitlistOffer.Status.WITHDRAWN, now=now)
    counts["taken"] = _end_offers(taken, WaitlistOffer.Status.TAKEN, now=now)
    counts["ended"] = _end_entries(now=now)
    counts["offered"] = offer_free_times(now=now)
    counts["resent"] = _send_unsent_offers(now=now) + _send_unsent_welcomes(now=now)
    return counts


# An offer's or a new entry's email is queued when it is made; one still unsent this long after
# was lost on the way (the mail server refused it, the worker was down): the minute's pass sends
# it itself.
UNSENT_AFTER = timedelta(minutes=2)


def _send_unsent_offers(*, now: datetime) -> int:
    """Open offers whose email never went out, sent again: a failing mail server costs the patient
    a few minutes of their hold, never the offer."""
    unsent = WaitlistOffer.objects.filter(
        status=WaitlistOffer.Status.OPEN, email_sent_at__isnull=True, created_at__lte=now - UNSENT_AFTER
    )
    return _send_again(OFFER_EMAIL, unsent.values_list("pk", flat=True), now=now)


def _send_unsent_welcomes(*, now: datetime) -> int:
    """Waiting patients who never got "you are on the waitlist" (with the link to leave), sent it."""
    unsent = WaitlistEntry.objects.filter(
        status=WaitlistEntry.Status.WAITING,
        joined_email_sent_at__isnull=True,
        created_at__lte=now - UNSENT_AFTER,
    )
    return _send_again(JOINED_EMAIL, unsent.values_list("pk", flat=True), now=now)


def _send_again(kind: str, pks, *, now: datetime) -> int:
    sent = 0
    for pk in pks:
        try:
            sent += emails.send(kind, pk, now=now) == "sent"
        except Exception:  # noqa: BLE001 (the next minute tries again; the others still go out)
            logger.warning("Waitlist %s email #%s failed again", kind, pk, exc_info=True)
    return sent


def _end_offers(pks: list[int], status: str, *, now: datetime) -> int:
    if not pks:
        return 0
    with transaction.atomic():
        locked = list(
            WaitlistOffer.objects.select_for_update()
            .filter(pk__in=pks, status=WaitlistOffer.Status.OPEN)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        return WaitlistOffer.objects.filter(pk__in=locked).update(status=status, ended_at=now)


def _end_entries(*, now: datetime) -> int:
    today = timezone.localdate(now)
    waiting = WaitlistEntry.objects.filter(status=WaitlistEntry.Status.WAITING)
    over = waiting.filter(until__lt=today).values_list("pk", flat=True)
    visit_over = (
        waiting.filter(visit_request__isnull=False)
        .exclude(
            visit_request__status__in=VisitRequest.ACTIVE_STATUSES,
            visit_request__slot_start__gt=now,
        )
        .values_list("pk", flat=True)
    )
    pks = set(over) | set(visit_over)
    if not pks:
        return 0
    with transaction.atomic():
        WaitlistOffer.objects.filter(entry__in=pks, status=WaitlistOffer.Status.OPEN).update(
            status=WaitlistOffer.Status.WITHDRAWN, ended_at=now
        )
        return WaitlistEntry.objects.filter(pk__in=pks).update(
            status=WaitlistEntry.Status.ENDED, ended_at=now
        )
