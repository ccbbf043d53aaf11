"""The patient's side of booking: the form, its confirmation and the manage link. Thin: forms
validate, services write."""

import time
from datetime import date, timedelta
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from wagtail.models import Page

from clinic.models import CareArea

from . import ics, picker, ratelimit, services, slots
from .emails import clinic_for, manage_url
from .formatting import zone_label
from .forms import NO_SLOT, BookingForm, FreshLinkForm
from .models import Notification, VisitRequest
from .tokens import LinkProblem, make_manage_token, read_manage_token

SESSION_KEY = "booking_confirmed"
RATE_LIMITED = (
    "You have sent several requests in a short time, so we have paused new ones from this "
    "connection for a while. Please call us instead and we will gladly book you in."
)


@never_cache
def book(request, page):
    if request.method == "POST":
        return _book_post(request, page)
    initial = _initial_from_query(request)
    race = _race_date(request, BookingForm())
    if race:
        initial["race_date"] = race
    form = BookingForm(initial=initial)
    return _render_form(request, page, form)


def _book_post(request, page):
    form = BookingForm(request.POST)
    if not ratelimit.allow(request):
        form.is_valid()
        form.add_error(None, RATE_LIMITED)
        return _render_form(request, page, form, status=429)
    if not form.is_valid():
        return _render_form(request, page, form)
    data = form.cleaned_data
    patient = services.Patient(
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
        phone=data["phone"],
        concern=data["concern"],
        concern_other=data["concern_other"] if data["concern"] is None else "",
        race_date=data["race_date"],
        note=data["note"],
        preferred_contact=data["preferred_contact"],
    )
    try:
        visit_request = services.visit_request_create(
            page=page,
            patient=patient,
            slot_start=data["slot"],
            preferred_times=data["preferred_times"],
            source_page=_source_page(data["source"]),
            submission_token=data["form_token"],
        )
    except services.AlreadySubmitted as already:
        # The same form sent twice. Only the browser that booked may see the booking again: a
        # form token copied into another browser must not show someone else's name and link.
        if _remembered(request, SESSION_KEY) != str(already.visit_request.public_id):
            _remember(request, SESSION_KEY, None)
        return _see_other(page.get_url(request) + page.reverse_subpage("thanks"))
    except services.TooManyActive as error:
        form.add_error(None, str(error))
        return _render_form(request, page, form, offer_fresh_link=True)
    except services.BookingError as error:
        form.add_error("slot", str(error))
        return _render_form(request, page, form)
    _remember(request, SESSION_KEY, str(visit_request.public_id))
    return _see_other(page.get_url(request) + page.reverse_subpage("thanks"))


def _remember(request, key: str, value, *, minutes: int | None = None) -> None:
    """Keep `value` in the session for a few minutes only.

    The patient's device may be shared: the confirmation (name, time, manage link) must not be
    readable by whoever uses it next. An anonymous session ends with it; a signed-in staff
    member's session keeps its own lifetime."""
    seconds = 60 * (minutes or getattr(settings, "BOOKING_CONFIRMATION_MINUTES", 10))
    request.session[key] = {"value": value, "until": time.time() + seconds}
    if not request.user.is_authenticated:
        request.session.set_expiry(seconds)


def _remembered(request, key: str):
    """What `_remember` kept under `key`, or None once its minutes are up (then it is dropped)."""
    entry = request.session.get(key)
    if entry is None:
        return None
    if not isinstance(entry, dict) or entry.get("until", 0) < time.time():
        del request.session[key]
        return None
    return entry.get("value")


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def _see_other(url: str) -> HttpResponse:
    return HttpResponseSeeOther(url)


def _initial_from_query(request) -> dict:
    initial = {}
    concern = request.GET.get("concern", "")[:60]
    if concern and CareArea.objects.filter(slug=concern).exists():
        initial["concern"] = concern
    source = request.GET.get("from", "")
    if source.isdigit() and len(source) < 10 and Page.objects.live().filter(pk=int(source)).exists():
        initial["source"] = int(source)
    return initial


def _source_page(page_id):
    if not page_id:
        return None
    return Page.objects.live().filter(pk=page_id).first()


def _race_date(request, form):
    """The patient's race date, from what they sent or ?race=YYYY-MM-DD; None if unusable."""
    raw = form["race_date"].value() if form.is_bound else request.GET.get("race", "")
    try:
        return date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        return None


def _render_form(request, page, form, *, status=200, offer_fresh_link=False):
    free = page.free_slots()
    race = _race_date(request, form)
    # Runners book around races: when the race falls within the bookable days, say so and mark
    # the days before it.
    if race and not (free and free[0].start.date() <= race <= free[-1].start.date() + timedelta(days=1)):
        race = None
    chosen = form["slot"].value() if form.is_bound else None
    context = page.get_context(request)
    context.update(
        {
            "page": page,
            "form": form,
            **_picker_context(request, free, chosen=chosen, race=race),
            "times_url": page.get_url(request) + page.reverse_subpage("times"),
            "no_slot_value": NO_SLOT,
            "error_fields": [form[name] for name in form.errors if name != "__all__"],
            "offer_fresh_link": offer_fresh_link,
        }
    )
    return TemplateResponse(request, "booking/discovery_visit_page.html", context, status=status)


# The query string a day link keeps: the pre-fill from an article, and a race date.
KEPT_QUERY = ("concern", "from", "race")


def _picker_context(request, free, *, chosen=None, race=None) -> dict:
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


def _times_fragment(request, free):
    """One day's times, for js/booking.js to show in place without reloading the page."""
    day = picker.parse_day(request.GET.get("day"))
    built = picker.build_picker(free, tz=timezone.get_default_timezone(), requested_day=day)
    if day is None or built.open_day != day:
        return HttpResponse("No free times on that day.", status=404, content_type="text/plain")
    response = TemplateResponse(request, "booking/includes/slot_times.html", {"picker": built})
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def times(request, page):
    return _times_fragment(request, page.free_slots())


def _confirmed_request(request) -> VisitRequest | None:
    public_id = _remembered(request, SESSION_KEY)
    if not public_id:
        return None
    return VisitRequest.objects.select_related("concern").filter(public_id=public_id).first()


def noindex(view):
    """Keep a patient's own pages out of search results. Crawlers must be let in (robots.txt)
    to see this: the header covers the calendar files, the meta tag in each template the pages."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        response = view(*args, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response

    return wrapped


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
                "problem": "We cannot show this confirmation any more. Your email has the details.",
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
    return TemplateResponse(request, "booking/thanks.html", context)


@never_cache
@noindex
def thanks_ics(request, page):
    visit_request = _confirmed_request(request)
    if visit_request is None or not visit_request.slot_start:
        return HttpResponse("Not found", status=404, content_type="text/plain")
    return _ics_response(visit_request)


def _ics_response(visit_request):
    clinic, _ = clinic_for(visit_request)
    body = ics.visit_calendar(visit_request, clinic=clinic, manage_url=manage_url(visit_request))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="discovery-visit.ics"'
    return response


# Minutes a manage link, once opened, keeps working in that browser without the token in the URL.
MANAGE_SESSION_KEY = "booking_manage"
MANAGE_MINUTES = 30
MANAGE_RATE_LIMITED = (
    "You have changed this visit several times in a short while, so we have paused online changes "
    "for now. Your visit is unchanged. If you need to change it today, please call us."
)


def _no_referrer(response):
    # The manage pages are about one patient's visit; they tell no other site where they came from.
    # Not "no-referrer": under it Chromium sends `Origin: null` with the page's own form posts,
    # which Django's CSRF check refuses, so no patient could move or cancel.
    response["Referrer-Policy"] = "same-origin"
    return response


def _link_problem(request, page, problem: LinkProblem | str, status: int = 410):
    context = {
        "page": page,
        "problem": str(problem),
        "renewable": getattr(problem, "renewable", False),
    }
    return _no_referrer(TemplateResponse(request, "booking/link_problem.html", context, status=status))


@never_cache
@noindex
def manage_link(request, page, token, *, calendar=False):
    """The link from the email. The token goes into the session and the browser moves on to a
    URL without it, so the token reaches the access log once, not on every page and form post."""
    try:
        read_manage_token(token)
    except LinkProblem as problem:
        return _link_problem(request, page, problem)
    _remember(request, MANAGE_SESSION_KEY, token, minutes=MANAGE_MINUTES)
    if request.method == "POST":
        return manage(request, page)
    route = "manage_session_ics" if calendar else "manage_session"
    return _no_referrer(_see_other(page.get_url(request) + page.reverse_subpage(route)))


def _managed_request(request, page) -> tuple[str, VisitRequest]:
    token = _remembered(request, MANAGE_SESSION_KEY)
    if not token:
        raise LinkProblem(
            "Please open the link from your email again. (This page needs your browser to accept "
            "cookies from our site.)",
            renewable=True,
        )
    return token, read_manage_token(token)


def _manage_allowed(request, visit_request) -> bool:
    """Moves and cancels are limited per visit and per client address: each one emails the patient
    and the front desk, so a loop must not flood either."""
    rate = ratelimit.parse_rate(getattr(settings, "BOOKING_MANAGE_RATE_LIMIT", "5/h"))
    if rate is None:
        return True
    limit, period = rate
    per_visit = ratelimit.hit(
        scope="manage-visit", key=ratelimit.hashed(visit_request.public_id.hex), limit=limit, period=period
    )
    per_client = ratelimit.hit(
        scope="manage-client", key=ratelimit.client_key(request), limit=limit, period=period
    )
    return per_visit and per_client


@never_cache
@noindex
def manage(request, page):
    try:
        token, visit_request = _managed_request(request, page)
    except LinkProblem as problem:
        return _link_problem(request, page, problem)
    error = ""
    status = 200
    if request.method == "POST" and not _manage_allowed(request, visit_request):
        error, status = MANAGE_RATE_LIMITED, 429
    elif request.method == "POST":
        action = request.POST.get("action")
        if action == "cancel":
            # A cancel form from before cancelling asked first: ask now.
            return _no_referrer(_see_other(page.get_url(request) + page.reverse_subpage("manage_cancel")))
        if action == "move":
            new_start = slots.parse_slot_value(request.POST.get("slot"))
            if new_start is None:
                error = "Choose one of the times listed."
            else:
                try:
                    visit_request = services.visit_request_reschedule(
                        visit_request=visit_request, slot_start=new_start
                    )
                except services.BookingError as problem:
                    error = str(problem)
                else:
                    # The move replaced the link; this browser carries on with the new one.
                    _remember(
                        request, MANAGE_SESSION_KEY, make_manage_token(visit_request), minutes=MANAGE_MINUTES
                    )
                    return _no_referrer(
                        TemplateResponse(
                            request,
                            "booking/manage_done.html",
                            {
                                "page": page,
                                "visit_request": visit_request,
                                "moved": True,
                                "manage_url": page.get_url(request) + page.reverse_subpage("manage_session"),
                            },
                        )
                    )
    chosen = request.POST.get("slot") if request.method == "POST" else None
    context = {
        "page": page,
        "visit_request": visit_request,
        **_picker_context(request, _other_free_slots(page, visit_request), chosen=chosen),
        "times_url": page.get_url(request) + page.reverse_subpage("manage_times"),
        "error": error,
        "error_list": [error] if error else [],
        "ics_url": page.get_url(request) + page.reverse_subpage("manage_session_ics"),
        "cancel_url": page.get_url(request) + page.reverse_subpage("manage_cancel"),
    }
    return _no_referrer(TemplateResponse(request, "booking/manage.html", context, status=status))


@never_cache
@noindex
def manage_cancel(request, page):
    """Cancelling takes a second step: "Cancel your visit on ...?" and a button, no JavaScript."""
    try:
        _, visit_request = _managed_request(request, page)
    except LinkProblem as problem:
        return _link_problem(request, page, problem)
    context = {
        "page": page,
        "visit_request": visit_request,
        "manage_url": page.get_url(request) + page.reverse_subpage("manage_session"),
    }
    status = 200
    if request.method == "POST" and not _manage_allowed(request, visit_request):
        context["error"], status = MANAGE_RATE_LIMITED, 429
    elif request.method == "POST":
        services.visit_request_cancel(visit_request=visit_request)
        return _no_referrer(
            TemplateResponse(request, "booking/manage_done.html", {"page": page, "cancelled": True})
        )
    return _no_referrer(TemplateResponse(request, "booking/manage_cancel.html", context, status=status))


def _other_free_slots(page, visit_request) -> list[slots.Slot]:
    """The free times a visit can move to: not its own (free again when capacity is above one)."""
    return [s for s in page.free_slots() if s.start != visit_request.slot_start]


@never_cache
@noindex
def manage_times(request, page):
    try:
        _, visit_request = _managed_request(request, page)
    except LinkProblem:
        return HttpResponse("This link is not valid.", status=410, content_type="text/plain")
    return _no_referrer(_times_fragment(request, _other_free_slots(page, visit_request)))


@never_cache
@noindex
def manage_ics(request, page):
    try:
        _, visit_request = _managed_request(request, page)
    except LinkProblem:
        return HttpResponse("This link is not valid.", status=410, content_type="text/plain")
    if not visit_request.slot_start:
        return HttpResponse("No time booked yet.", status=404, content_type="text/plain")
    return _no_referrer(_ics_response(visit_request))


FRESH_LINK_SENT = (
    "If we have a booking for that address, we have emailed a link to it. "
    "It can take a few minutes to arrive; please check your spam folder too."
)
FRESH_LINK_LIMITED = (
    "You have asked for links several times in a short while, so we have paused this for now. "
    "Please check your inbox, or call us."
)


@never_cache
@noindex
def fresh_link(request, page):
    """A fresh manage link by email. The answer is the same whether or not the address has a
    booking, so the page cannot be used to find out who booked."""
    form = FreshLinkForm(request.POST or None)
    context = {"page": page, "form": form}
    if request.method != "POST":
        return _no_referrer(TemplateResponse(request, "booking/fresh_link.html", context))
    if not ratelimit.allow(request, scope="fresh-link", rate=settings.BOOKING_FRESH_LINK_RATE_LIMIT):
        context["limited"] = FRESH_LINK_LIMITED
        return _no_referrer(TemplateResponse(request, "booking/fresh_link.html", context, status=429))
    if not form.is_valid():
        return _no_referrer(TemplateResponse(request, "booking/fresh_link.html", context))
    email = form.cleaned_data["email"]
    # Per address too, so nobody can fill a patient's inbox from many connections; past the
    # limit nothing is sent, and the answer stays the same.
    if ratelimit.allow(
        request,
        scope="fresh-link-email",
        rate=settings.BOOKING_FRESH_LINK_RATE_LIMIT,
        key=ratelimit.hashed(email.strip().lower()),
    ):
        services.visit_request_links_send(email=email)
    context.update({"sent": FRESH_LINK_SENT, "form": FreshLinkForm()})
    return _no_referrer(TemplateResponse(request, "booking/fresh_link.html", context))
