"""The booking form and its confirmation: /book/, a day's times, /book/thanks/ and its calendar
file. Thin: forms validate, services write. The manage link's pages are in manage.py."""

from datetime import date, timedelta

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from wagtail.models import Page

from clinic import ratelimit
from clinic.models import CareArea

from .. import errors, picker, services
from ..emails import manage_url
from ..forms import NO_SLOT, BookingForm
from ..models import Notification, VisitRequest
from ..slots import parse_slot_value
from ..tokens import make_manage_token
from .shared import (
    MANAGE_MINUTES,
    MANAGE_SESSION_KEY,
    ics_response,
    noindex,
    picker_context,
    remember,
    remembered,
    see_other,
    times_fragment,
)

# The request this browser booked (its confirmation page), for a few minutes.
SESSION_KEY = "booking_confirmed"
# What a repeated send chose, for the confirmation page to offer moving the booking there.
REPEAT_KEY = "booking_repeat"


@never_cache
def book(request, page):
    if request.method == "POST":
        return _book_post(request, page)
    care_areas = list(CareArea.objects.all())
    initial = _initial_from_query(request, care_areas)
    race = _race_date(request)
    if race:
        initial["race_date"] = race
    form = BookingForm(initial=initial, care_areas=care_areas)
    return _render_form(request, page, form)


def _book_post(request, page):
    if "day" in request.POST:
        # "Show this day" without JavaScript: the form comes back with that day's times and
        # everything typed kept. Nothing is sent, so nothing is checked and nothing is counted.
        return _render_form(
            request,
            page,
            _unchecked_form(request),
            chosen=request.POST.get("slot"),
            day=picker.parse_day(request.POST.get("day")),
        )
    if not ratelimit.allow(request):
        # One message: the form's own checks would add "send again" to "please call us".
        return _render_form(
            request,
            page,
            _unchecked_form(request),
            chosen=request.POST.get("slot"),
            status=429,
            rate_limited=True,
        )
    form = BookingForm(request.POST)
    if not form.is_valid():
        return _render_form(request, page, form, chosen=form["slot"].value())
    data = form.cleaned_data
    patient = form.patient(race_date=data["race_date"], note=data["note"])
    thanks = page.get_url(request) + page.reverse_subpage("thanks")
    try:
        visit_request = services.visit_request_create(
            page=page,
            patient=patient,
            slot_start=data["slot"],
            preferred_times=data["preferred_times"],
            source_page=_source_page(data["source"]),
            submission_token=data["form_token"],
            booked_here=_booked_here(request),
        )
    except errors.AlreadySubmitted as already:
        # Sent again (Back, reload, a second tab, a double click): the patient sees the booking
        # they have and may move it to the time they chose now. Only to whoever made it: a form
        # token copied into another browser must not show someone else's name and link.
        if already.same_patient or remembered(request, SESSION_KEY) == str(already.visit_request.public_id):
            _show_again(request, already.visit_request, chosen=form["slot"].value())
        else:
            remember(request, SESSION_KEY, None)
        return see_other(thanks)
    except errors.TooManyActive as error:
        form.add_error(None, str(error))
        return _render_form(request, page, form, chosen=form["slot"].value(), offer_fresh_link=True)
    except errors.BookingError as error:
        form.add_error("slot", str(error))
        return _render_form(request, page, form, chosen=form["slot"].value())
    remember(request, SESSION_KEY, str(visit_request.public_id))
    return see_other(thanks)


def _unchecked_form(request) -> BookingForm:
    """The form as the patient sent it, without its checks (and so without error messages)."""
    posted = {name: request.POST.get(name) for name in BookingForm.base_fields}
    return BookingForm(initial={name: value for name, value in posted.items() if value is not None})


def _booked_here(request) -> VisitRequest | None:
    """The request this browser booked a few minutes ago, while it is still on."""
    visit_request = _confirmed_request(request)
    if visit_request is None or not visit_request.is_active:
        return None
    return visit_request


def _show_again(request, visit_request: VisitRequest, *, chosen: str | None) -> None:
    """The confirmation page shows `visit_request` again, says no second visit was booked and
    offers the time chosen now. This browser may change the booking, as its link would let it."""
    remember(request, SESSION_KEY, str(visit_request.public_id))
    remember(request, REPEAT_KEY, chosen or "")
    if visit_request.is_active:
        remember(request, MANAGE_SESSION_KEY, make_manage_token(visit_request), minutes=MANAGE_MINUTES)


def _initial_from_query(request, care_areas: list[CareArea]) -> dict:
    initial = {}
    concern = request.GET.get("concern", "")[:60]
    # Compared with the care areas in memory: nothing from the query string reaches the database
    # (a NUL byte, which PostgreSQL refuses, answered 500).
    if concern and concern in {area.slug for area in care_areas}:
        initial["concern"] = concern
    source = request.GET.get("from", "")
    # ASCII digits only: isdigit() is also true of "¹" and "①", which int() refuses.
    is_id = source.isascii() and source.isdigit() and len(source) < 10
    if is_id and Page.objects.live().filter(pk=int(source)).exists():
        initial["source"] = int(source)
    return initial


def _source_page(page_id):
    if not page_id:
        return None
    return Page.objects.live().filter(pk=page_id).first()


def _race_date(request, form=None):
    """The patient's race date, from the form (as sent or pre-filled) or ?race=YYYY-MM-DD; None
    if unusable."""
    raw = form["race_date"].value() if form is not None else request.GET.get("race", "")
    try:
        return date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        return None


def _race_within(free, race: date | None) -> date | None:
    """Runners book around races: a race within the bookable days marks the days before it."""
    if race and free and free[0].start.date() <= race <= free[-1].start.date() + timedelta(days=1):
        return race
    return None


def _render_form(
    request,
    page,
    form,
    *,
    chosen=None,
    day=None,
    status=200,
    offer_fresh_link=False,
    rate_limited=False,
):
    free = page.free_slots()
    race = _race_within(free, _race_date(request, form))
    context = page.get_context(request)
    context.update(
        {
            "page": page,
            "form": form,
            **picker_context(request, free, chosen=chosen, race=race, day=day),
            "times_url": page.get_url(request) + page.reverse_subpage("times"),
            "no_slot_value": NO_SLOT,
            "error_fields": [form[name] for name in form.errors if name != "__all__"],
            "offer_fresh_link": offer_fresh_link,
            "rate_limited": rate_limited,
            # The browser that has just booked is reminded of it, on every view of the form.
            "booked_here": _booked_here(request),
            "thanks_url": page.get_url(request) + page.reverse_subpage("thanks"),
            "waitlist_url": page.get_url(request) + page.reverse_subpage("waitlist"),
        }
    )
    return TemplateResponse(request, "booking/discovery_visit_page.html", context, status=status)


@never_cache
def times(request, page):
    free = page.free_slots()
    return times_fragment(request, free, race=_race_within(free, _race_date(request)))


def _confirmed_request(request) -> VisitRequest | None:
    public_id = remembered(request, SESSION_KEY)
    if not public_id:
        return None
    return VisitRequest.objects.select_related("concern").filter(public_id=public_id).first()


@never_cache
@noindex
def thanks(request, page):
    visit_request = _confirmed_request(request)
    if visit_request is None and SESSION_KEY in request.session:
        # A form sent again from another browser (or a double click racing itself).
        return TemplateResponse(request, "booking/thanks.html", {"page": page, "already_received": True})
    if visit_request is None:
        return TemplateResponse(
            request,
            "booking/link_problem.html",
            {
                "page": page,
                "problem": _("We cannot show this confirmation any more. Your email has the details."),
            },
            status=404,
        )
    context = {
        "page": page,
        "visit_request": visit_request,
        # What the page says about the email must be true: in production a worker sends it
        # after this page is shown, and it may fail.
        "confirmation": visit_request.notifications.filter(kind=Notification.Kind.CONFIRMATION).first(),
        "manage_url": manage_url(visit_request),
        "ics_url": page.get_url(request) + page.reverse_subpage("thanks_ics"),
    }
    repeat = remembered(request, REPEAT_KEY)
    if repeat is not None:
        # Said once, after the send that was not booked again; a reload shows the booking alone.
        del request.session[REPEAT_KEY]
        context.update(_offer_move(request, page, visit_request, repeat))
    return TemplateResponse(request, "booking/thanks.html", context)


def _offer_move(request, page, visit_request: VisitRequest, chosen: str) -> dict:
    """What the confirmation page offers after a send that was not booked again: the time chosen
    this time, if it is another free one, and the manage page to choose any other."""
    offer = {"sent_again": True}
    if not visit_request.is_active or not visit_request.slot_start:
        return offer
    offer["change_url"] = page.get_url(request) + page.reverse_subpage("manage_session")
    start = parse_slot_value(chosen)
    if start and start != visit_request.slot_start and any(s.start == start for s in page.free_slots()):
        offer["move_to"] = {"value": chosen, "start": start}
    return offer


@never_cache
@noindex
def thanks_ics(request, page):
    visit_request = _confirmed_request(request)
    if visit_request is None or not visit_request.slot_start:
        return HttpResponse("Not found", status=404, content_type="text/plain")
    return ics_response(visit_request)
