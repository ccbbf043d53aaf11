"""The waitlist's public pages, routes of the booking page (so /es/ serves them in Spanish): join,
"you are on the waitlist", leave, an offer and its claim, and an earlier time from the manage
page. Thin: forms validate, booking.waitlist.services writes."""

from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache

from clinic import ratelimit
from clinic.models import CareArea

from .. import errors
from ..languages import current_language
from ..picker import parse_day
from ..tokens import LinkProblem, make_manage_token
from ..views.book import SESSION_KEY as BOOKED_KEY
from ..views.manage import MOVED_KEY, _link_problem, _managed_request
from ..views.shared import (
    MANAGE_MINUTES,
    MANAGE_SESSION_KEY,
    no_referrer,
    noindex,
    remember,
    remembered,
    see_other,
)
from .emails import wishes
from .forms import WaitlistForm, WishesForm
from .models import WaitlistEntry, WaitlistOffer
from .services import OfferGone, offer_claim, waitlist_entry_create, waitlist_entry_leave, why_gone
from .tokens import CLAIM_SALT, LEAVE_SALT, read_token

JOINED_KEY = "booking_waitlist_joined"


def _route(request, page, name: str, **kwargs) -> str:
    return page.get_url(request) + page.reverse_subpage(name, kwargs=kwargs or None)


@never_cache
def join(request, page):
    horizon = page.schedule_page.horizon_days
    care_areas = list(CareArea.objects.all())
    context = {"page": page}
    status = 200
    if request.method == "POST":
        form = WaitlistForm(request.POST, care_areas=care_areas, horizon_days=horizon)
        if not ratelimit.allow(request):
            # One message: the form's own checks would add "send again" to "please call us".
            form = WaitlistForm(
                initial={
                    name: request.POST.get(name) for name in WaitlistForm.base_fields if name in request.POST
                },
                care_areas=care_areas,
                horizon_days=horizon,
            )
            context["rate_limited"], status = True, 429
        elif form.is_valid():
            data = form.cleaned_data
            patient = form.patient()
            try:
                entry = waitlist_entry_create(
                    page=page,
                    patient=patient,
                    weekdays=data["weekdays"],
                    parts=data["parts"],
                    until=data["until"],
                    submission_token=data["form_token"],
                    language=current_language(),
                )
            except errors.AlreadySubmitted:
                return see_other(_route(request, page, "waitlist_joined"))
            except errors.TooManyActive as error:
                form.add_error(None, str(error))
            else:
                remember(request, JOINED_KEY, str(entry.public_id))
                return see_other(_route(request, page, "waitlist_joined"))
    else:
        initial = {}
        day = parse_day(request.GET.get("day"))
        if day is not None:
            # "That day is full": the waitlist starts from its weekday.
            initial["weekdays"] = [day.weekday()]
        concern = request.GET.get("concern", "")[:60]
        if concern in {area.slug for area in care_areas}:
            initial["concern"] = concern
        form = WaitlistForm(initial=initial, care_areas=care_areas, horizon_days=horizon)
    context.update(
        {
            "form": form,
            "error_fields": [form[name] for name in form.errors if name != "__all__"],
        }
    )
    return TemplateResponse(request, "booking/waitlist/join.html", context, status=status)


@never_cache
@noindex
def joined(request, page):
    public_id = remembered(request, JOINED_KEY)
    entry = WaitlistEntry.objects.filter(public_id=public_id).first() if public_id else None
    context = {"page": page, "entry": entry, **(wishes(entry) if entry else {})}
    return TemplateResponse(request, "booking/waitlist/joined.html", context)


@never_cache
@noindex
def leave(request, page, token):
    public_id = read_token(token, salt=LEAVE_SALT)
    entry = WaitlistEntry.objects.filter(public_id=public_id).first() if public_id else None
    if entry is None or entry.anonymised_at:
        return _link_problem(request, page, LinkProblem(_not_valid()), status=404)
    left = False
    if request.method == "POST" and entry.status == WaitlistEntry.Status.WAITING:
        entry = waitlist_entry_leave(entry=entry)
        left = True
    context = {"page": page, "entry": entry, "left": left, **wishes(entry)}
    return no_referrer(TemplateResponse(request, "booking/waitlist/leave.html", context))


GONE_STATUS = {"taken": 409, "claimed": 410, "expired": 410, "ended": 410, "too_late": 410}


@never_cache
@noindex
def offer(request, page, token):
    """GET shows the offered time and a button; POST claims it."""
    public_id = read_token(token, salt=CLAIM_SALT)
    found = (
        WaitlistOffer.objects.select_related("entry__page", "entry__visit_request")
        .filter(public_id=public_id)
        .first()
        if public_id
        else None
    )
    if found is None:
        return _link_problem(request, page, LinkProblem(_not_valid()), status=404)
    gone = why_gone(found, now=timezone.now())
    if request.method == "POST" and gone is None:
        try:
            visit_request = offer_claim(offer=found)
        except OfferGone as problem:
            gone = problem.reason
        else:
            if found.entry.visit_request_id:
                remember(
                    request, MANAGE_SESSION_KEY, make_manage_token(visit_request), minutes=MANAGE_MINUTES
                )
                remember(request, MOVED_KEY, str(visit_request.public_id), minutes=MANAGE_MINUTES)
                return no_referrer(see_other(_route(request, page, "manage_moved")))
            remember(request, BOOKED_KEY, str(visit_request.public_id))
            return no_referrer(see_other(_route(request, page, "thanks")))
    context = {"page": page, "offer": found, "entry": found.entry, "gone": gone}
    status = GONE_STATUS.get(gone, 200) if gone else 200
    if gone == "claimed" and found.status == WaitlistOffer.Status.CLAIMED and request.method == "GET":
        status = 200  # the patient's own claim, opened again: "this time is yours"
    return no_referrer(TemplateResponse(request, "booking/waitlist/offer.html", context, status=status))


@never_cache
@noindex
def earlier(request, page):
    """A booked patient asks, from their manage page, to be offered an earlier time: a claimed
    offer then moves their visit instead of adding one."""
    try:
        _token, visit_request = _managed_request(request, page)
    except LinkProblem as problem:
        return _link_problem(request, page, problem)
    horizon = page.schedule_page.horizon_days
    form = WishesForm(request.POST or None, horizon_days=horizon)
    done = False
    if request.method == "POST" and form.is_valid() and visit_request.slot_start:
        data = form.cleaned_data
        waitlist_entry_create(
            page=page,
            visit_request=visit_request,
            weekdays=data["weekdays"],
            parts=data["parts"],
            until=data["until"],
        )
        done = True
    waiting = visit_request.waitlist_entries.filter(status=WaitlistEntry.Status.WAITING).first()
    context = {
        "page": page,
        "visit_request": visit_request,
        "form": form,
        "done": done,
        "waiting": waiting,
        "error_fields": [form[name] for name in form.errors if name != "__all__"],
        "manage_url": _route(request, page, "manage_session"),
        **(wishes(waiting) if waiting else {}),
    }
    return no_referrer(TemplateResponse(request, "booking/waitlist/earlier.html", context))


def _not_valid():
    return gettext("This link is not valid. Please use the link from your email.")
