"""The patient's manage link: the link from the email (its token goes into the session), moving
and cancelling the visit, its calendar file, and asking for a fresh link. Thin: services write."""

from django.conf import settings
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from clinic import ratelimit

from .. import errors, picker, services, slots
from ..forms import FreshLinkForm
from ..models import BookingSettings, VisitRequest
from ..notice import within_notice_window
from ..tokens import LinkProblem, make_manage_token, read_manage_token
from .shared import (
    MANAGE_MINUTES,
    MANAGE_SESSION_KEY,
    ics_response,
    no_referrer,
    noindex,
    picker_context,
    remember,
    remembered,
    see_other,
    times_fragment,
)

# The visit this browser has just moved or cancelled, for the page that says so (after a 303, so a
# reload repeats nothing).
MOVED_KEY = "booking_moved"
CANCELLED_KEY = "booking_cancelled"


MANAGE_RATE_LIMITED = _(
    "You have changed this visit several times in a short while, so we have paused online changes "
    "for now. Your visit is unchanged. If you need to change it today, please call us."
)


def _link_problem(request, page, problem: LinkProblem | str, status: int = 410):
    context = {
        "page": page,
        "problem": str(problem),
        "renewable": getattr(problem, "renewable", False),
    }
    return no_referrer(TemplateResponse(request, "booking/link_problem.html", context, status=status))


@never_cache
@noindex
def manage_link(request, page, token, *, calendar=False):
    """The link from the email. The token goes into the session and the browser moves on to a
    URL without it, so the token reaches the access log once, not on every page and form post."""
    try:
        read_manage_token(token)
    except LinkProblem as problem:
        return _link_problem(request, page, problem)
    remember(request, MANAGE_SESSION_KEY, token, minutes=MANAGE_MINUTES)
    if request.method == "POST":
        return manage(request, page)
    route = "manage_session_ics" if calendar else "manage_session"
    return no_referrer(see_other(page.get_url(request) + page.reverse_subpage(route)))


def _managed_request(request, page) -> tuple[str, VisitRequest]:
    token = remembered(request, MANAGE_SESSION_KEY)
    if not token:
        raise LinkProblem(
            _(
                "Please open the link from your email again. (This page needs your browser to accept "
                "cookies from our site.)"
            ),
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


def _notice(request, visit_request) -> dict:
    """The clinic's notice for changes and whether this visit is already inside it: then the
    manage pages show the visit and the phone number, and refuse moves and cancels."""
    hours = BookingSettings.for_request(request).change_notice_hours
    return {
        "notice_hours": hours,
        "notice_locked": within_notice_window(visit_request.slot_start, now=timezone.now(), hours=hours),
    }


@never_cache
@noindex
def manage(request, page):
    try:
        token, visit_request = _managed_request(request, page)
    except LinkProblem as problem:
        return _link_problem(request, page, problem)
    error = ""
    status = 200
    chosen = request.POST.get("slot") if request.method == "POST" else None
    day = None
    notice = _notice(request, visit_request)
    if request.method == "POST" and notice["notice_locked"]:
        # The buttons are gone from the page, but a form from before the window began (or a
        # crafted post) must not move the visit either. Nothing is counted.
        status = 403
        notice["notice_refused"] = True
    elif request.method == "POST" and "day" in request.POST:
        # "Show this day" without JavaScript: the page comes back with that day's times and the
        # time chosen kept. Nothing changes, so nothing is counted.
        day = picker.parse_day(request.POST.get("day"))
    elif request.method == "POST" and not _manage_allowed(request, visit_request):
        error, status = MANAGE_RATE_LIMITED, 429
    elif request.method == "POST":
        action = request.POST.get("action")
        if action == "cancel":
            # A cancel form from before cancelling asked first: ask now.
            return no_referrer(see_other(_route(request, page, "manage_cancel")))
        if action == "move":
            new_start = slots.parse_slot_value(chosen)
            if new_start is None:
                error = _("Choose one of the times listed.")
            else:
                try:
                    visit_request = services.visit_request_reschedule(
                        visit_request=visit_request, slot_start=new_start
                    )
                except errors.InsideNoticeWindow:
                    # The window began between the page and the post.
                    status = 403
                    notice.update(notice_locked=True, notice_refused=True)
                except errors.BookingError as problem:
                    error = str(problem)
                else:
                    # The move replaced the link; this browser carries on with the new one. The
                    # answer is a redirect, so reloading "Your visit has a new time" moves nothing.
                    remember(
                        request, MANAGE_SESSION_KEY, make_manage_token(visit_request), minutes=MANAGE_MINUTES
                    )
                    remember(request, MOVED_KEY, str(visit_request.public_id), minutes=MANAGE_MINUTES)
                    return no_referrer(see_other(_route(request, page, "manage_moved")))
    context = {
        "page": page,
        "visit_request": visit_request,
        # The picker opens on the visit's own day: "a bit later that day" is the usual move.
        **picker_context(
            request,
            _other_free_slots(page, visit_request),
            chosen=chosen,
            day=day,
            default_day=_day_of(visit_request),
        ),
        "times_url": _route(request, page, "manage_times"),
        "error": error,
        "error_list": [error] if error else [],
        "ics_url": _route(request, page, "manage_session_ics"),
        "cancel_url": _route(request, page, "manage_cancel"),
        "earlier_url": _route(request, page, "manage_earlier"),
        **notice,
    }
    return no_referrer(TemplateResponse(request, "booking/manage.html", context, status=status))


@never_cache
@noindex
def manage_moved(request, page):
    """The "Your visit has a new time" page, where the move's redirect leads."""
    try:
        _token, visit_request = _managed_request(request, page)
    except LinkProblem as problem:
        return _link_problem(request, page, problem)
    if remembered(request, MOVED_KEY) != str(visit_request.public_id):
        return no_referrer(see_other(_route(request, page, "manage_session")))
    context = {
        "page": page,
        "visit_request": visit_request,
        "moved": True,
        "manage_url": _route(request, page, "manage_session"),
    }
    return no_referrer(TemplateResponse(request, "booking/manage_done.html", context))


@never_cache
@noindex
def manage_cancel(request, page):
    """Cancelling takes a second step: "Cancel your visit on ...?" and a button, no JavaScript."""
    try:
        _token, visit_request = _managed_request(request, page)
    except LinkProblem as problem:
        return _link_problem(request, page, problem)
    context = {
        "page": page,
        "visit_request": visit_request,
        "manage_url": _route(request, page, "manage_session"),
        **_notice(request, visit_request),
    }
    status = 200
    if request.method == "POST" and context["notice_locked"]:
        context["notice_refused"], status = True, 403
    elif request.method == "POST" and not _manage_allowed(request, visit_request):
        context["error"], status = MANAGE_RATE_LIMITED, 429
    elif request.method == "POST":
        try:
            services.visit_request_cancel(visit_request=visit_request)
        except errors.InsideNoticeWindow:
            # The window began between the page and the post.
            context.update(notice_locked=True, notice_refused=True)
            return no_referrer(TemplateResponse(request, "booking/manage_cancel.html", context, status=403))
        remember(request, CANCELLED_KEY, str(visit_request.public_id), minutes=MANAGE_MINUTES)
        return no_referrer(see_other(_route(request, page, "manage_cancelled")))
    return no_referrer(TemplateResponse(request, "booking/manage_cancel.html", context, status=status))


@never_cache
@noindex
def manage_cancelled(request, page):
    """The "Your visit is cancelled" page, where the cancellation's redirect leads."""
    public_id = remembered(request, CANCELLED_KEY)
    visit_request = (
        VisitRequest.objects.filter(public_id=public_id, status=VisitRequest.Status.CANCELLED).first()
        if public_id
        else None
    )
    if visit_request is None:
        return _link_problem(request, page, LinkProblem(_("This visit was cancelled.")), status=404)
    context = {"page": page, "visit_request": visit_request, "cancelled": True}
    return no_referrer(TemplateResponse(request, "booking/manage_done.html", context))


def _route(request, page, name: str) -> str:
    return page.get_url(request) + page.reverse_subpage(name)


def _day_of(visit_request: VisitRequest):
    if not visit_request.slot_start:
        return None
    return visit_request.slot_start.astimezone(timezone.get_default_timezone()).date()


def _other_free_slots(page, visit_request) -> list[slots.Slot]:
    """The free times a visit can move to: not its own (free again when capacity is above one)."""
    return [s for s in page.free_slots() if s.start != visit_request.slot_start]


@never_cache
@noindex
def manage_times(request, page):
    try:
        _token, visit_request = _managed_request(request, page)
    except LinkProblem:
        return HttpResponse(_("This link is not valid."), status=410, content_type="text/plain")
    return no_referrer(times_fragment(request, _other_free_slots(page, visit_request)))


@never_cache
@noindex
def manage_ics(request, page):
    try:
        _token, visit_request = _managed_request(request, page)
    except LinkProblem:
        return HttpResponse(_("This link is not valid."), status=410, content_type="text/plain")
    if not visit_request.slot_start:
        return HttpResponse(_("No time booked yet."), status=404, content_type="text/plain")
    return no_referrer(ics_response(visit_request))


FRESH_LINK_SENT = _(
    "If we have a booking for that address, we have emailed a link to it. "
    "It can take a few minutes to arrive; please check your spam folder too."
)


FRESH_LINK_LIMITED = _(
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
        # After the redirect below: the same answer whoever asks, so it needs no session.
        if request.GET.get("sent"):
            context.update({"sent": FRESH_LINK_SENT, "form": FreshLinkForm()})
        return no_referrer(TemplateResponse(request, "booking/fresh_link.html", context))
    if not ratelimit.allow(request, scope="fresh-link", rate=settings.BOOKING_FRESH_LINK_RATE_LIMIT):
        context["limited"] = FRESH_LINK_LIMITED
        return no_referrer(TemplateResponse(request, "booking/fresh_link.html", context, status=429))
    if not form.is_valid():
        return no_referrer(TemplateResponse(request, "booking/fresh_link.html", context))
    email = form.cleaned_data["email"]
    # Per address too, so nobody can fill a patient's inbox from many connections; past the
    # limit nothing is sent, and the answer stays the same.
    if ratelimit.allow(
        request,
        scope="fresh-link-email",
        rate=settings.BOOKING_FRESH_LINK_RATE_LIMIT,
        key=ratelimit.hashed(ratelimit.email_key(email)),
    ):
        services.visit_request_links_send(email=email)
    # A redirect: reloading the answer sends no second email.
    return no_referrer(see_other(_route(request, page, "fresh_link") + "?sent=1"))
