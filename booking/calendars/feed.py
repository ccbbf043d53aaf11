"""A staff member's private calendar feed: the address, and the calendar it serves."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from clinic.public_url import absolute_url

from ..emails import admin_url
from ..models import VisitRequest
from .ics import staff_calendar, visit_event


def feed_url(feed, request=None, *, scheme: str = "https") -> str:
    """The feed's https:// address, or webcal:// (which calendar apps open as a subscription)."""
    url = absolute_url(reverse("calendar_feed", args=[feed.token]), request)
    if scheme == "webcal":
        return "webcal://" + url.split("://", 1)[1]
    return url


def feed_body(visits, *, clinic) -> bytes:
    """The clinic's visits as one calendar (one clinic per site: its name and address)."""
    events = [
        visit_event(
            visit_request,
            clinic=clinic,
            admin_link=admin_url(visit_request),
            cancelled=visit_request.status in VisitRequest.CANCELLED_STATUSES,
        )
        for visit_request in visits
    ]
    return staff_calendar(events, name=_("%(clinic)s: visits") % {"clinic": clinic.name})
