"""What the patient's booking pages share: short-lived session memory, 303 redirects, the
noindex and referrer rules for a patient's own pages, the calendar file and the day-first picker."""

import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone

from .. import ics, picker
from ..emails import clinic_for, manage_url
from ..formatting import zone_label

# The manage link's token, once opened (or once this browser has booked and sent the form again),
# so the manage pages work without the token in their URLs; for MANAGE_MINUTES.
MANAGE_SESSION_KEY = "booking_manage"
MANAGE_MINUTES = 30


def remember(request, key: str, value, *, minutes: int | None = None) -> None:
    """Keep `value` in the session for a few minutes only.

    The patient's device may be shared: the confirmation (name, time, manage link) must not be
    readable by whoever uses it next. An anonymous session ends with it; a signed-in staff
    member's session keeps its own lifetime."""
    seconds = 60 * (minutes or getattr(settings, "BOOKING_CONFIRMATION_MINUTES", 10))
    request.session[key] = {"value": value, "until": time.time() + seconds}
    if not request.user.is_authenticated:
        request.session.set_expiry(seconds)


def remembered(request, key: str):
    """What `remember` kept under `key`, or None once its minutes are up (then it is dropped)."""
    entry = request.session.get(key)
    if entry is None:
        return None
    if not isinstance(entry, dict) or entry.get("until", 0) < time.time():
        del request.session[key]
        return None
    return entry.get("value")


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def see_other(url: str) -> HttpResponse:
    return HttpResponseSeeOther(url)


def noindex(view):
    """Keep a patient's own pages out of search results. Crawlers must be let in (robots.txt)
    to see this: the header covers the calendar files, the meta tag in each template the pages."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        response = view(*args, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response

    return wrapped


def ics_response(visit_request):
    clinic, _ = clinic_for(visit_request)
    body = ics.visit_calendar(visit_request, clinic=clinic, manage_url=manage_url(visit_request))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="discovery-visit.ics"'
    return response


def no_referrer(response):
    # The manage pages are about one patient's visit; they tell no other site where they came from.
    # Not "no-referrer": under it Chromium sends `Origin: null` with the page's own form posts,
    # which Django's CSRF check refuses, so no patient could move or cancel.
    response["Referrer-Policy"] = "same-origin"
    return response


# The query string a day link keeps: the pre-fill from an article, and a race date.
KEPT_QUERY = ("concern", "from", "race")


def picker_context(request, free, *, chosen=None, race=None) -> dict:
    """What `includes/slot_picker.html` needs: the picker, its day links, the chosen time."""
    built = picker.build_picker(
        free,
        tz=timezone.get_default_timezone(),
        requested_day=picker.parse_day(request.GET.get("day")),
        chosen_value=chosen,
        race_date=race,
    )
    kept = {name: request.GET[name][:60] for name in KEPT_QUERY if request.GET.get(name)}
    return {
        "picker": built,
        "day_url": "?" + urlencode({**kept, "day": ""}),
        "selected_slot": chosen,
        "zone_label": zone_label(timezone.now()),
        "race_date": race,
        "days_before_race": sum(1 for day in built.days if day.before_race),
    }


def times_fragment(request, free):
    """One day's times, for js/booking.js to show in place without reloading the page."""
    day = picker.parse_day(request.GET.get("day"))
    built = picker.build_picker(free, tz=timezone.get_default_timezone(), requested_day=day)
    if day is None or built.open_day != day:
        return HttpResponse("No free times on that day.", status=404, content_type="text/plain")
    response = TemplateResponse(request, "booking/includes/slot_times.html", {"picker": built})
    response["X-Robots-Tag"] = "noindex"
    return response
