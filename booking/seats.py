"""Capacity, enforced by the database: each active booking holds one numbered seat of its slot
(`SlotSeat`, unique per slot start and seat number). Two processes racing for the last seat both
try to insert it; the database lets exactly one through and the other gets `SlotTaken`. Only
services.py calls these, inside its transactions, on rows it has locked."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from . import slots
from .errors import SlotTaken, SlotUnavailable
from .models import DiscoveryVisitPage, SlotSeat, VisitRequest, WaitlistOffer, busy_during


def cancel_and_free_seat(visit_request: VisitRequest, *, at: datetime) -> None:
    """Mark the (locked) request cancelled at `at` and give its seat back; the caller saves it."""
    SlotSeat.objects.filter(visit_request=visit_request).delete()
    if visit_request.status != VisitRequest.Status.CANCELLED:
        # The cancellation's calendar file must outrank the event the patient has.
        visit_request.calendar_sequence += 1
    visit_request.status = VisitRequest.Status.CANCELLED
    visit_request.cancelled_at = at


def book_seat(
    visit_request: VisitRequest,
    *,
    page: DiscoveryVisitPage,
    slot_start: datetime,
    now: datetime,
    claiming: WaitlistOffer | None = None,
) -> None:
    """A patient picks a time: it must be one the page offers now, with a seat left, or this
    raises SlotUnavailable / SlotTaken. A time held for a waitlist offer is taken for everyone
    but the patient `claiming` that offer."""
    rules = page.rules()
    closures = page.closure_list()
    # Only the slot's own count matters here; the seat insert below is what really decides.
    held = held_seats(slot_start, now=now, excluding=claiming)
    taken = {slot_start: SlotSeat.objects.filter(slot_start=slot_start).count() + held}
    if not slots.slot_is_free(slot_start, rules=rules, closures=closures, taken={}, now=now):
        raise SlotUnavailable()
    # Staff busy in their own calendar take a seat each: fewer seats to number, so the database
    # still refuses the one too many when two patients race for the last.
    busy = busy_during(start=slot_start, end=slot_start + rules.visit_length)
    if not slots.slot_is_free(slot_start, rules=rules, closures=closures, taken=taken, now=now, busy=busy):
        raise SlotTaken()
    seats = rules.capacity - len({b.who for b in busy})
    claim_seat(visit_request, slot_start=slot_start, capacity=seats, length=rules.visit_length)


def held_seats(slot_start: datetime, *, now: datetime, excluding: WaitlistOffer | None = None) -> int:
    """Seats of `slot_start` held for waitlist offers that have not expired."""
    holds = WaitlistOffer.objects.filter(
        slot_start=slot_start, status=WaitlistOffer.Status.OPEN, expires_at__gt=now
    )
    if excluding is not None:
        holds = holds.exclude(pk=excluding.pk)
    return holds.count()


def reclaim_seat(visit_request: VisitRequest) -> None:
    """Staff reopen a cancelled booking: it gets its old time back if a seat is still free there,
    whatever the page's hours say now (staff agreed it with the patient), else SlotTaken."""
    claim_seat(
        visit_request,
        slot_start=visit_request.slot_start,
        capacity=visit_request.page.schedule_page.capacity if visit_request.page else 1,
        length=visit_request.slot_end - visit_request.slot_start,
    )


def claim_seat(
    visit_request: VisitRequest, *, slot_start: datetime, capacity: int, length: timedelta
) -> None:
    """Insert the lowest free seat number at slot_start; the unique constraint settles races."""
    for _ in range(capacity):
        used = set(SlotSeat.objects.filter(slot_start=slot_start).values_list("seat", flat=True))
        free = [n for n in range(1, capacity + 1) if n not in used]
        if not free:
            break
        try:
            with transaction.atomic():
                SlotSeat.objects.create(visit_request=visit_request, slot_start=slot_start, seat=free[0])
        except IntegrityError:
            continue  # another process took that seat first; look again
        visit_request.slot_start = slot_start
        visit_request.slot_end = slot_start + length
        visit_request.save(update_fields=["slot_start", "slot_end"])
        return
    raise SlotTaken()
