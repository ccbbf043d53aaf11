"""The visits as staff see them in a calendar app, for the private feed and for the events written
into a connected calendar: the same fields in both. Patient initials only; no concern, no note;
the clinic's address, the clinic's time zone, and a link to the request behind the admin login."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from django.utils import timezone
from django.utils.translation import gettext as _

# Our events' UIDs end with this, so a sync pass knows them from the person's own events.
UID_DOMAIN = "staff.discovery-visit"
_UID_NAMESPACE = uuid.UUID("4f6c7a36-1f9e-4c38-9d41-6a1f7e9b8c21")
PRODID = "-//Clinic site//Staff visits//EN"


def staff_uid(visit_request) -> str:
    """Stable per visit, unrelated to the patient's own event and to the manage link's id."""
    return f"{uuid.uuid5(_UID_NAMESPACE, str(visit_request.public_id))}@{UID_DOMAIN}"


def is_ours(uid: str) -> bool:
    return uid.endswith("@" + UID_DOMAIN)


def initials(visit_request) -> str:
    """'M. G.'; nothing for an anonymised request."""
    if visit_request.anonymised_at:
        return ""
    letters = [name.strip()[:1].upper() for name in (visit_request.first_name, visit_request.last_name)]
    return " ".join(f"{letter}." for letter in letters if letter)


def visit_event(visit_request, *, clinic, admin_link: str, cancelled: bool = False) -> Event:
    """The visit as one event; `cancelled` keeps it (same UID, its SEQUENCE) marked cancelled, so
    a subscribed app removes it."""
    local_zone = timezone.get_default_timezone()
    event = Event()
    event.add("uid", staff_uid(visit_request))
    # The time of the last change, not of this request: the feed's bytes (and ETag) only change
    # when a visit does.
    stamp = visit_request.updated_at or timezone.now()
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", visit_request.calendar_sequence)
    event.add("dtstart", timezone.localtime(visit_request.slot_start, local_zone))
    event.add("dtend", timezone.localtime(visit_request.slot_end, local_zone))
    who = initials(visit_request)
    event.add(
        "summary",
        _("Free Discovery Visit – %(initials)s") % {"initials": who} if who else _("Free Discovery Visit"),
    )
    event.add("location", ", ".join([clinic.name, *clinic.address_lines]))
    lines = [_("Patient: %(initials)s") % {"initials": who}] if who else []
    lines.append(_("Details (staff sign-in): %(link)s") % {"link": admin_link})
    event.add("description", "\n".join(lines))
    event.add("url", admin_link)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    # Anyone the owner shares the calendar with sees "busy", not the visit.
    event.add("class", "PRIVATE")
    return event


def staff_calendar(events: Iterable[Event], *, name: str) -> bytes:
    """A whole calendar of staff events, with the clinic's time zone defined in it."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(timezone.get_default_timezone()))
    # Apps that honour it poll every 15 minutes rather than once a day.
    calendar.add("refresh-interval", timedelta(minutes=15), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT15M")
    starts = []
    for event in events:
        calendar.add_component(event)
        starts.append(event.decoded("dtstart"))
    _add_zone(calendar, starts)
    return calendar.to_ical()


def single_event_calendar(event: Event) -> bytes:
    """One event as a calendar object, as CalDAV stores it."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add_component(event)
    _add_zone(calendar, [event.decoded("dtstart")])
    return calendar.to_ical()


def _add_zone(calendar: Calendar, starts: list[datetime]) -> None:
    # VTIMEZONE for the span the events cover (a year either side), not 1970-2038: smaller, and
    # right for events after 2038.
    today = timezone.localdate()
    first = min([today, *(start.date() for start in starts)]) - timedelta(days=366)
    last = max([today, *(start.date() for start in starts)]) + timedelta(days=366)
    calendar.add_missing_timezones(first_date=date(first.year, 1, 1), last_date=date(last.year + 1, 1, 1))
