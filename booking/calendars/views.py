"""The private feed (public URL, secret token), and the staff screens: calendar settings (feed
address, CalDAV connection, sync now) and resolving an alert. Thin: writes go through services."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from clinic import ratelimit
from clinic.models import ClinicSettings

from ..permissions import can_view_visit_requests
from . import crypto, selectors, services, tasks
from .feed import feed_body, feed_url
from .forms import ConnectForm
from .models import CalendarAlert, CalendarConnection, CalendarFeed
from .remote import CalendarError


@require_safe
def calendar_feed(request, token):
    """What a calendar app subscribed to a staff member's address reads, every 15 minutes to a
    week. Conditional GET (ETag, Last-Modified) makes most polls a 304; never cached by a shared
    cache; limited per address."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active or not can_view_visit_requests(feed.user):
        raise Http404
    limit = ratelimit.parse_rate(settings.CALENDAR_FEED_RATE_LIMIT)
    if limit and not ratelimit.hit(
        scope="calendar-feed", key=ratelimit.hashed(token), limit=limit[0], period=limit[1]
    ):
        response = HttpResponse(_("Too many requests for this feed."), status=429, content_type="text/plain")
        response["Retry-After"] = str(limit[1])
        return _private(response)
    visits = list(selectors.feed_visits())
    clinic = ClinicSettings.for_request(request)
    body = feed_body(visits, clinic=clinic)
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    last_modified = max((visit.updated_at for visit in visits), default=None)
    last_modified_ts = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified_ts)
    if response is None:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="visits.ics"'
    response["ETag"] = etag
    if last_modified_ts:
        response["Last-Modified"] = http_date(last_modified_ts)
    return _private(response)


def _private(response):
    # The visits of one clinic for one person: never stored by Varnish, a proxy or the page
    # cache, always revalidated (cheaply, by ETag).
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _staff_only(request):
    if not can_view_visit_requests(request.user):
        raise PermissionDenied


def settings_view(request):
    """The staff member's calendar screen: their feed address and their connected calendar."""
    _staff_only(request)
    user = request.user
    form = ConnectForm(initial={"url": getattr(getattr(user, "calendar_connection", None), "url", "")})
    if request.method == "POST":
        form = ConnectForm(request.POST)
        if form.is_valid():
            try:
                services.calendar_connect(
                    user=user,
                    url=form.cleaned_data["url"],
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                )
            except (CalendarError, crypto.EncryptionUnavailable) as failure:
                form.add_error(None, str(failure))
            else:
                tasks.enqueue_sync()
                messages.success(request, _("Your calendar is connected. The first sync has started."))
                return redirect("calendar_settings")
    return TemplateResponse(request, "booking/calendars/settings.html", _settings_context(request, form))


def _settings_context(request, form) -> dict:
    user = request.user
    feed = CalendarFeed.objects.filter(user=user).first()
    connection = CalendarConnection.objects.filter(user=user).first()
    return {
        "feed": feed,
        "feed_https": feed_url(feed, request) if feed else "",
        "feed_webcal": feed_url(feed, request, scheme="webcal") if feed else "",
        "connection": connection,
        "form": form,
        "encryption_available": crypto.available(),
        "stale": bool(connection)
        and any(p.connection.pk == connection.pk for p in selectors.connection_problems()),
    }


@require_POST
def feed_action(request, action):
    """Turn the feed on, replace its address, or turn it off."""
    _staff_only(request)
    if action == "create":
        services.calendar_feed_get_or_create(user=request.user)
        messages.success(request, _("Your private feed address is ready."))
    elif action == "replace":
        services.calendar_feed_replace(user=request.user)
        messages.success(request, _("Your feed has a new address. The old one no longer works."))
    elif action == "revoke":
        services.calendar_feed_revoke(user=request.user)
        messages.success(request, _("Your feed is turned off. Its address no longer works."))
    else:
        raise Http404
    return redirect("calendar_settings")


@require_POST
def disconnect(request):
    _staff_only(request)
    services.calendar_disconnect(user=request.user)
    messages.success(request, _("Your calendar is disconnected. Its password is deleted."))
    return redirect("calendar_settings")


@require_POST
def sync_now(request):
    _staff_only(request)
    if tasks.enqueue_sync():
        messages.success(request, _("A sync has started; busy times update within a minute."))
    else:
        messages.error(request, _("The sync could not be started; the next scheduled pass will run it."))
    return redirect("wagtailadmin_home" if request.POST.get("next") == "dashboard" else "calendar_settings")


@require_POST
def resolve_alert(request, pk):
    _staff_only(request)
    alert = get_object_or_404(CalendarAlert, pk=pk)
    services.calendar_alert_resolve(alert=alert, user=request.user)
    messages.success(request, _("The calendar alert is resolved."))
    return redirect("wagtailadmin_home")
