"""A staff member's private calendar feed: the address, and the calendar it serves."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from clinic.public_url import absolute_url

from ..emails import admin_url, clinic_for
from ..models import VisitRequest
from .ics import staff_calendar, visit_event


def feed_url(feed, request=None, *, scheme: str = "https") -> str:
    """The feed's https:// address, or webcal:// (which calendar apps open as a subscription)."""
    url = absolute_url(reverse("calendar_feed", args=[feed.token]), request)
    if scheme == "webcal":
        return "webcal://" + url.split("://", 1)[1]
    return url


def feed_body(visits, *, clinic_name: str) -> bytes:
    events = []
    clinics = {}
    for visit_request in visits:
        page_id = visit_request.page_id
        if page_id not in clinics:
            clinics[page_id] = clinic_for(visit_request)[0]
        events.append(
            visit_event(
                visit_request,
                clinic=clinics[page_id],
                admin_link=admin_url(visit_request),
                cancelled=visit_request.status == VisitRequest.Status.CANCELLED,
            )
        )
    return staff_calendar(events, name=_("%(clinic)s: visits") % {"clinic": clinic_name})
