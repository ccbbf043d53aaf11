"""A sync pass over a connected calendar, and the write of one visit after a booking changes.

A pass reads what changed in the calendar (incrementally where the server keeps a sync-token),
notices visits the owner moved or deleted there (an alert for staff; the patient's visit is never
changed by it), rebuilds the busy times the booking page reads, writes the visits that are new or
changed since the last pass, and flags visits that now collide with busy time. Network work happens
here and in remote.py only, never in a request a patient waits on."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Calendar

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from ..emails import admin_url, clinic_for
from ..models import DiscoveryVisitPage, SlotSeat, VisitRequest
from ..permissions import can_view_visit_requests
from ..waitlist.tasks import offer_after_commit
from . import busy, crypto
from .alerts import raise_alert
from .ics import is_ours, single_event_calendar, staff_uid, visit_event
from .models import BusyTime, CalendarAlert, CalendarConnection, PushedVisit, RemoteEvent
from .remote import CalendarError, RemoteCalendar

logger = logging.getLogger(__name__)

# How long a pass may hold a calendar before another process may take it over (a crashed one).
CLAIM = timedelta(minutes=10)


@dataclass
class PassResult:
    connection_id: int
    ok: bool
    read: int = 0
    removed: int = 0
    events: int = 0
    busy: int = 0
    written: int = 0
    alerts: int = 0
    seconds: float = 0.0
    complete: bool = False
    error: str = ""


def sync_all(*, now: datetime | None = None) -> list[PassResult]:
    """One pass over every connected calendar (`manage.py sync_calendars`, the timer, the button)."""
    return [
        sync_connection(connection, now=now)
        for connection in CalendarConnection.objects.select_related("user").order_by("pk")
    ]


def sync_connection(connection: CalendarConnection, *, now: datetime | None = None) -> PassResult:
    now = now or timezone.now()
    started = time.monotonic()
    result = PassResult(connection_id=connection.pk, ok=False)
    if not _claim(connection, now=now):
        result.error = "another pass is running"
        return result
    try:
        if not _may_use(connection):
            raise CalendarError("This staff member may no longer see visits: the calendar is not used.")
        with _open(connection) as remote:
            changes = remote.changes(connection.sync_token)
            result.read, result.removed, result.complete = (
                len(changes.changed),
                len(changes.removed),
                changes.complete,
            )
            _store(connection, changes)
            result.alerts += _check_written(connection, now=now)
            result.events, result.busy = _rebuild_busy(connection, changes, now=now)
            written, alerts = _write_pending(connection, remote, now=now)
            result.written, result.alerts = written, result.alerts + alerts
        result.alerts += flag_collisions(now=now)
        result.ok = True
    except (CalendarError, crypto.EncryptionUnavailable) as failure:
        result.error = str(failure)[:300]
    except Exception:  # noqa: BLE001 - one calendar's surprise must not stop the others' passes
        logger.exception("Calendar %s: the sync pass failed unexpectedly", connection.pk)
        result.error = "The sync pass failed unexpectedly (the server log has the details)."
    finally:
        result.seconds = time.monotonic() - started
        _record(connection, result, now=now)
    return result


def push_visit(visit_request_id: int) -> None:
    """Write one visit's change into every connected calendar right after it is committed. A
    calendar that fails now gets it at the next pass (which writes whatever is pending)."""
    visit_request = VisitRequest.objects.select_related("page").filter(pk=visit_request_id).first()
    if visit_request is None:
        return
    now = timezone.now()
    for connection in CalendarConnection.objects.select_related("user"):
        if not _may_use(connection) or not _claim(connection, now=now):
            continue
        try:
            pushed = PushedVisit.objects.filter(connection=connection, visit_request=visit_request).first()
            if not (_needs_writing(visit_request, pushed, now=now) or _needs_removing(visit_request, pushed)):
                continue
            with _open(connection) as remote:
                if _needs_removing(visit_request, pushed):
                    _remove(remote, pushed, visit_request)
                else:
                    _write(connection, remote, visit_request, pushed)
        except (CalendarError, crypto.EncryptionUnavailable) as failure:
            CalendarConnection.objects.filter(pk=connection.pk).update(
                status=CalendarConnection.Status.FAILED, last_error=str(failure)[:300], last_attempt_at=now
            )
        finally:
            _release(connection)


# Claiming a calendar: a row update, so it holds across processes and servers.


def _claim(connection: CalendarConnection, *, now: datetime) -> bool:
    return bool(
        CalendarConnection.objects.filter(pk=connection.pk)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM)
    )


def _release(connection: CalendarConnection) -> None:
    CalendarConnection.objects.filter(pk=connection.pk).update(claimed_until=None)


def _record(connection: CalendarConnection, result: PassResult, *, now: datetime) -> None:
    fields = {"claimed_until": None, "last_attempt_at": now, "last_pass_seconds": round(result.seconds, 3)}
    if result.ok:
        fields.update(status=CalendarConnection.Status.OK, last_error="", last_synced_at=now)
    elif result.error != "another pass is running":
        fields.update(status=CalendarConnection.Status.FAILED, last_error=result.error)
    else:
        fields = {}
    if fields:
        CalendarConnection.objects.filter(pk=connection.pk).update(**fields)
    if result.ok:
        logger.info(
            "Calendar %s synced: %s read, %s removed, %s busy times, %s written, %s alerts in %.2f s",
            connection.pk,
            result.read,
            result.removed,
            result.busy,
            result.written,
            result.alerts,
            result.seconds,
        )
    elif fields:
        logger.warning("Calendar %s did not sync: %s", connection.pk, result.error)


def _may_use(connection: CalendarConnection) -> bool:
    user = connection.user
    return user.is_active and can_view_visit_requests(user)


def _open(connection: CalendarConnection) -> RemoteCalendar:
    remote = RemoteCalendar(
        connection.url, username=connection.username, password=crypto.decrypt(connection.password_encrypted)
    )
    try:
        remote.open()
    except CalendarError:
        remote.client.close()
        raise
    return remote


# Reading


def _store(connection: CalendarConnection, changes) -> None:
    """Keep what the server said, and its sync-token, in one transaction: a pass that dies later
    reads the same changes again next time."""
    with transaction.atomic():
        events = RemoteEvent.objects.filter(connection=connection)
        if changes.complete:
            events.exclude(href__in=list(changes.changed)).delete()
        elif changes.removed:
            events.filter(href__in=list(changes.removed)).delete()
        existing = {event.href: event for event in events.filter(href__in=list(changes.changed))}
        new, updated = [], []
        for href, (etag, text) in changes.changed.items():
            event = existing.get(href) or RemoteEvent(connection=connection, href=href)
            event.etag, event.ics, event.uid = etag, text, _uid(text)
            (updated if event.pk else new).append(event)
        RemoteEvent.objects.bulk_create(new, batch_size=500)
        RemoteEvent.objects.bulk_update(updated, ["etag", "ics", "uid"], batch_size=500)
        connection.sync_token = changes.sync_token
        CalendarConnection.objects.filter(pk=connection.pk).update(sync_token=changes.sync_token)


def _uid(text: str) -> str:
    try:
        for component in Calendar.from_ical(text).walk("VEVENT"):
            return str(component.get("UID", ""))[:500]
    except Exception:  # noqa: BLE001 - an unreadable object simply has no UID we know
        return ""
    return ""


def _check_written(connection: CalendarConnection, *, now: datetime) -> int:
    """Visits we wrote that the calendar's owner has since deleted or moved: alert staff, and
    leave the event alone until they decide (the patient's visit does not change)."""
    raised = 0
    pushed_visits = list(
        PushedVisit.objects.filter(connection=connection, removed=False, held=False).select_related(
            "visit_request"
        )
    )
    if not pushed_visits:
        return 0
    uids = {staff_uid(p.visit_request): p for p in pushed_visits}
    remote = {}
    for event in RemoteEvent.objects.filter(connection=connection).filter(
        Q(uid__in=list(uids)) | Q(href__in=[p.href for p in pushed_visits])
    ):
        remote[event.uid] = remote[event.href] = event
    for pushed in pushed_visits:
        visit_request = pushed.visit_request
        event = remote.get(staff_uid(visit_request)) or remote.get(pushed.href)
        if event is not None and event.etag and event.etag == pushed.etag:
            continue
        times = _times(event.ics, staff_uid(visit_request)) if event is not None else None
        if times == (pushed.start, pushed.end):
            # Something else changed (a note, a colour, the server's own rewrite): fine.
            PushedVisit.objects.filter(pk=pushed.pk).update(etag=event.etag, href=event.href)
            continue
        still_on = visit_request.is_active and visit_request.slot_end and visit_request.slot_end > now
        if not still_on:
            PushedVisit.objects.filter(pk=pushed.pk).update(removed=event is None)
            continue
        kind = CalendarAlert.Kind.DELETED if times is None else CalendarAlert.Kind.MOVED
        PushedVisit.objects.filter(pk=pushed.pk).update(held=True)
        raised += raise_alert(kind, visit_request=visit_request, connection=connection)
    return raised


def _times(text: str, uid: str) -> tuple[datetime, datetime] | None:
    """The (UTC) time of our event in a calendar object, None if it is cancelled or unreadable."""
    tz = timezone.get_default_timezone()
    try:
        for component in Calendar.from_ical(text).walk("VEVENT"):
            if str(component.get("UID", "")) != uid or component.get("RECURRENCE-ID"):
                continue
            if str(component.get("STATUS", "")).upper() == "CANCELLED":
                return None
            return busy.instant(component.start, tz), busy.instant(component.end, tz)
    except Exception:  # noqa: BLE001
        return None
    return None


def _rebuild_busy(connection: CalendarConnection, changes, *, now: datetime) -> tuple[int, int]:
    """Expand the calendar's events into busy times again, unless nothing changed since the
    last expansion (most passes): expanding 500 events takes about two seconds of CPU."""
    days = horizon_days()
    key = f"{timezone.localdate(now).isoformat()}:{days}"
    if not (changes.changed or changes.removed or changes.complete) and connection.busy_window == key:
        return (
            RemoteEvent.objects.filter(connection=connection).count(),
            BusyTime.objects.filter(connection=connection).count(),
        )
    start, end = busy.window(now, days=days)
    texts = list(RemoteEvent.objects.filter(connection=connection).values_list("ics", flat=True))
    intervals = busy.busy_intervals(
        texts, start=start, end=end, tz=timezone.get_default_timezone(), skip_uid=is_ours
    )
    with transaction.atomic():
        BusyTime.objects.filter(connection=connection).delete()
        BusyTime.objects.bulk_create(
            [BusyTime(connection=connection, start=first, end=last) for first, last in intervals],
            batch_size=500,
        )
        CalendarConnection.objects.filter(pk=connection.pk).update(busy_window=key)
        # A busy time that ended or moved may have freed a time someone on the waitlist wants.
        offer_after_commit()
    return len(texts), len(intervals)


def horizon_days() -> int:
    """How far ahead busy times matter: the longest booking horizon (staff may also move a visit
    within it)."""
    return DiscoveryVisitPage.objects.aggregate(days=Max("horizon_days"))["days"] or 30


# Writing


def _needs_writing(visit_request: VisitRequest, pushed: PushedVisit | None, *, now: datetime) -> bool:
    if not (visit_request.is_active and visit_request.slot_start and visit_request.slot_end):
        return False
    if visit_request.slot_end <= now or visit_request.anonymised_at:
        return False
    return pushed is None or pushed.removed or pushed.sequence != visit_request.calendar_sequence


def _needs_removing(visit_request: VisitRequest, pushed: PushedVisit | None) -> bool:
    gone = visit_request.status in VisitRequest.CANCELLED_STATUSES or bool(visit_request.anonymised_at)
    return pushed is not None and not pushed.removed and gone


def _write_pending(
    connection: CalendarConnection, remote: RemoteCalendar, *, now: datetime
) -> tuple[int, int]:
    same_version = PushedVisit.objects.filter(
        connection=connection,
        visit_request=OuterRef("pk"),
        removed=False,
        sequence=OuterRef("calendar_sequence"),
    )
    to_write = VisitRequest.objects.filter(
        status__in=VisitRequest.ACTIVE_STATUSES, slot_end__gt=now, anonymised_at__isnull=True
    ).exclude(Exists(same_version))
    pushed_by_visit = {
        p.visit_request_id: p
        for p in PushedVisit.objects.filter(connection=connection, visit_request__in=to_write)
    }
    written = alerts = 0
    for visit_request in to_write.select_related("page").order_by("slot_start"):
        alerts += _write(connection, remote, visit_request, pushed_by_visit.get(visit_request.pk))
        written += 1
    to_remove = PushedVisit.objects.filter(connection=connection, removed=False).filter(
        Q(visit_request__status__in=VisitRequest.CANCELLED_STATUSES)
        | Q(visit_request__anonymised_at__isnull=False)
    )
    for pushed in to_remove.select_related("visit_request"):
        _remove(remote, pushed, pushed.visit_request)
        written += 1
    return written, alerts


def _write(
    connection: CalendarConnection,
    remote: RemoteCalendar,
    visit_request: VisitRequest,
    pushed: PushedVisit | None,
) -> int:
    """Create or overwrite the visit's event. An event changed in the calendar since we wrote it
    (the server answers 412) is read first: a move or deletion there is flagged, then the visit's
    own new time is written, since that is where the patient is coming."""
    clinic, _ = clinic_for(visit_request)
    event = visit_event(visit_request, clinic=clinic, admin_link=admin_url(visit_request))
    body = single_event_calendar(event)
    alerts = 0
    if pushed is None or pushed.removed:
        href = pushed.href if pushed else remote.href_for(staff_uid(visit_request))
        result = remote.put(href, body, etag=None)
        if result.status == 412:  # already there: a pass that died after writing, or a reopened visit
            status, etag, _ = remote.get(href)
            result = remote.put(href, body, etag=etag if status != 404 else None)
    else:
        href = pushed.href
        result = remote.put(href, body, etag=pushed.etag)
        if result.status in {404, 412}:
            status, etag, text = remote.get(href)
            times = _times(text, staff_uid(visit_request)) if status != 404 else None
            if times != (pushed.start, pushed.end) and not pushed.held:
                kind = CalendarAlert.Kind.DELETED if times is None else CalendarAlert.Kind.MOVED
                alerts += raise_alert(kind, visit_request=visit_request, connection=connection)
            result = remote.put(href, body, etag=etag if status != 404 else None)
    if result.status not in {200, 201, 204}:
        raise CalendarError(f"The calendar server would not save the visit (status {result.status}).")
    PushedVisit.objects.update_or_create(
        connection=connection,
        visit_request=visit_request,
        defaults={
            "href": href,
            "etag": result.etag,
            "sequence": visit_request.calendar_sequence,
            "start": visit_request.slot_start,
            "end": visit_request.slot_end,
            "removed": False,
            "held": False,
        },
    )
    return alerts


def _remove(remote: RemoteCalendar, pushed: PushedVisit, visit_request: VisitRequest) -> None:
    result = remote.delete(pushed.href, etag=pushed.etag)
    if result.status == 412:  # edited there meanwhile; the visit is cancelled all the same
        status, etag, _ = remote.get(pushed.href)
        if status != 404:
            remote.delete(pushed.href, etag=etag)
    PushedVisit.objects.filter(pk=pushed.pk).update(
        removed=True, held=False, sequence=visit_request.calendar_sequence
    )


# Collisions


def flag_collisions(*, now: datetime | None = None) -> int:
    """Visits still to come whose time a connected staff member is now busy at, beyond what the
    slot's capacity allows (booked between two passes, or busy time added later): flagged to
    staff, never dropped or moved."""
    now = now or timezone.now()
    visits = list(
        VisitRequest.objects.filter(
            status__in=VisitRequest.ACTIVE_STATUSES, slot_end__gt=now, anonymised_at__isnull=True
        ).select_related("page")
    )
    if not visits:
        return 0
    first = min(v.slot_start for v in visits)
    last = max(v.slot_end for v in visits)
    busy_times = list(
        BusyTime.objects.filter(start__lt=last, end__gt=first, connection__user__is_active=True).values_list(
            "connection_id", "start", "end"
        )
    )
    if not busy_times:
        return 0
    taken = Counter(
        SlotSeat.objects.filter(slot_start__in={v.slot_start for v in visits}).values_list(
            "slot_start", flat=True
        )
    )
    connections = {c.pk: c for c in CalendarConnection.objects.filter(pk__in={b[0] for b in busy_times})}
    raised = 0
    for visit_request in visits:
        busy_people = _busy_during(busy_times, visit_request.slot_start, visit_request.slot_end)
        capacity = visit_request.page.schedule_page.capacity if visit_request.page else 1
        if busy_people and taken[visit_request.slot_start] + len(busy_people) > capacity:
            for connection_id in busy_people:
                raised += raise_alert(
                    CalendarAlert.Kind.BUSY,
                    visit_request=visit_request,
                    connection=connections[connection_id],
                )
    return raised


def _busy_during(
    busy_times: Iterable[tuple[int, datetime, datetime]], start: datetime, end: datetime
) -> set[int]:
    return {connection_id for connection_id, first, last in busy_times if first < end and last > start}


def stale_after() -> timedelta:
    return timedelta(seconds=settings.CALENDAR_SYNC_STALE_SECONDS)
