"""What the patient's booking pages share: short-lived session memory, 303 redirects, the
noindex and referrer rules for a patient's own pages, the calendar file and the day-first picker."""

import time
from functools import wraps

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


def picker_context(request, free, *, chosen=None, race=None, day=None, default_day=None) -> dict:
    """What `includes/slot_picker.html` needs: the picker and the chosen time.

    The open day is `day` when the patient asked for it with a day button (the time they chose
    on another day is kept beside it), else the chosen time's day (a form sent back keeps its
    choice in view), else `?day=`, else `default_day`, else the first day with free times."""
    built = picker.build_picker(
        free,
        tz=timezone.get_default_timezone(),
        requested_day=day or picker.parse_day(request.GET.get("day")) or default_day,
        chosen_value=None if day else chosen,
        race_date=race,
    )
    chosen_choice = built.chosen or picker.find_choice(free, chosen)
    shown = {choice.value for part in built.parts for choice in part.choices}
    return {
        "picker": built,
        "selected_slot": chosen,
        "chosen_choice": chosen_choice,
        # A time chosen on another day than the one shown: still chosen, and still in the form.
        "kept_choice": chosen_choice if chosen_choice and chosen_choice.value not in shown else None,
        "zone_label": zone_label(timezone.now()),
        "race_date": race,
        "days_before_race": sum(1 for day in built.days if day.before_race),
    }


def times_fragment(request, free, *, race=None):
    """One day's times and the page of days that holds it, for js/booking.js to show in place
    without reloading the page (and losing what the patient typed)."""
    day = picker.parse_day(request.GET.get("day"))
    built = picker.build_picker(free, tz=timezone.get_default_timezone(), requested_day=day, race_date=race)
    if day is None or built.open_day != day:
        return HttpResponse(_("No free times on that day."), status=404, content_type="text/plain")
    response = TemplateResponse(request, "booking/includes/slot_fragment.html", {"picker": built})
    response["X-Robots-Tag"] = "noindex"
    return response
