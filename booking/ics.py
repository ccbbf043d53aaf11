"""An iCalendar (.ics) file for a visit, or for its cancellation, for the patient's calendar."""

from icalendar import Calendar, Event

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clinic.models import ClinicSettings

from .models import VisitRequest


def visit_calendar(
    visit_request: VisitRequest, *, clinic: ClinicSettings, manage_url: str = "", cancelled: bool = False
) -> bytes:
    """The visit as an event; `cancelled` makes it the cancellation of that same event (same UID,
    the SEQUENCE the cancellation raised), which calendars apply by removing or striking it.
    Its words are in the patient's language, whoever asks for the file."""
    with translation.override(visit_request.language):
        return _visit_calendar(visit_request, clinic=clinic, manage_url=manage_url, cancelled=cancelled)


def _visit_calendar(
    visit_request: VisitRequest, *, clinic: ClinicSettings, manage_url: str, cancelled: bool
) -> bytes:
    language = {"language": visit_request.language}
    calendar = Calendar()
    calendar.add("prodid", "-//Clinic site//Free Discovery Visit//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"{visit_request.public_id}@discovery-visit")
    event.add("dtstamp", timezone.now())
    event.add("sequence", visit_request.calendar_sequence)
    if cancelled:
        event.add("status", "CANCELLED")
    event.add("dtstart", visit_request.slot_start)
    event.add("dtend", visit_request.slot_end)
    event.add(
        "summary", _("Free Discovery Visit at %(clinic)s") % {"clinic": clinic.name}, parameters=language
    )
    location = ", ".join([clinic.name, *clinic.address_lines])
    event.add("location", location)
    if cancelled:
        lines = [_("Your Free Discovery Visit at %(clinic)s is cancelled.") % {"clinic": clinic.name}]
    else:
        lines = [_("Your Free Discovery Visit at %(clinic)s.") % {"clinic": clinic.name}]
    lines.append(_("Phone: %(phone)s") % {"phone": clinic.phone})
    if manage_url and not cancelled:
        lines.append(_("Change or cancel: %(url)s") % {"url": manage_url})
    event.add("description", "\n".join(lines), parameters=language)
    if manage_url and not cancelled:
        event.add("url", manage_url)
    calendar.add_component(event)
    return calendar.to_ical()
