"""An iCalendar (.ics) file for a visit, for the patient's calendar."""

from icalendar import Calendar, Event

from django.utils import timezone

from clinic.models import ClinicSettings

from .models import VisitRequest


def visit_calendar(visit_request: VisitRequest, *, clinic: ClinicSettings, manage_url: str = "") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Clinic site//Free Discovery Visit//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{visit_request.public_id}@discovery-visit")
    event.add("dtstamp", timezone.now())
    event.add("sequence", visit_request.calendar_sequence)
    event.add("dtstart", visit_request.slot_start)
    event.add("dtend", visit_request.slot_end)
    event.add("summary", f"Free Discovery Visit at {clinic.name}")
    location = ", ".join([clinic.name, *clinic.address_lines])
    event.add("location", location)
    lines = [f"Your Free Discovery Visit at {clinic.name}.", f"Phone: {clinic.phone}"]
    if manage_url:
        lines.append(f"Change or cancel: {manage_url}")
    event.add("description", "\n".join(lines))
    if manage_url:
        event.add("url", manage_url)
    calendar.add_component(event)
    return calendar.to_ical()
