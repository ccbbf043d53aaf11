"""Staff accounts: the client address and lockout page django-axes uses, and session lifetimes."""

import time

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from wagtail.admin.forms.auth import LoginForm

SESSION_STARTED_KEY = "clinic_staff_session_started"
SESSION_SEEN_KEY = "clinic_staff_session_seen"
# Writing the session on every admin request is wasted work: "last seen" moves once a minute.
SEEN_RESOLUTION_SECONDS = 60


def client_ip(request) -> str:
    """The client's address, for the login lockout and the rate limits. Behind a reverse
    proxy every request comes from the proxy; the header it *overwrites* (CLIENT_IP_HEADER, e.g.
    X-Real-IP) names the client. Never a header the client can set itself."""
    header = settings.CLIENT_IP_HEADER
    return (request.META.get(header) if header else None) or request.META.get("REMOTE_ADDR", "")


def lockout_response(request, original_response=None, credentials=None):
    """The Wagtail sign-in page again, saying why no password will work for now."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Too many failed sign-in attempts for this account from your network. Sign-in is blocked "
        "for %(minutes)d minutes, even with the right password. If you need in sooner, ask an "
        "administrator to unlock your account."
    ) % {"minutes": minutes}
    context = {"form": LoginForm(request), "lockout_message": message, "show_password_reset": False}
    return render(request, "wagtailadmin/login_locked_out.html", context, status=429)


def staff_session_expired(request, *, now: float | None = None) -> bool:
    """Record this request on a signed-in session; True once it has outlived a working day or sat
    idle too long (both checked on the server: the cookie's own expiry is the browser's to keep)."""
    now = time.time() if now is None else now
    session = request.session
    started = session.get(SESSION_STARTED_KEY)
    seen = session.get(SESSION_SEEN_KEY)
    if started is None or seen is None:
        session[SESSION_STARTED_KEY] = now
        session[SESSION_SEEN_KEY] = now
        return False
    if now - started > settings.STAFF_SESSION_MAX_SECONDS:
        return True
    if now - seen > settings.STAFF_SESSION_IDLE_SECONDS:
        return True
    if now - seen >= SEEN_RESOLUTION_SECONDS:
        session[SESSION_SEEN_KEY] = now
    return False


def start_staff_session(sender, request, user, **kwargs) -> None:
    """On sign-in (the user_logged_in signal): the working day starts now."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_STARTED_KEY] = now
        request.session[SESSION_SEEN_KEY] = now
