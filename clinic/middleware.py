"""Security headers Django's SecurityMiddleware does not set (a strict CSP, Permissions-Policy), the
end of staff sessions, and the second factor as a property of the session.

Paths are decided on `request.path_info`, which is what URLs resolve: `request.path` also carries
SCRIPT_NAME, which a forged header can set (`/x/admin/...` would then not look like the admin)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from clinic.accounts import staff_session_expired
from clinic.two_factor import must_verify, next_step_url

ADMIN_PREFIX = "/admin/"

# The public site needs no inline script or style, so it can run under a strict policy. Nothing
# frames it, except the Wagtail editor's preview panel, which renders pages through a dummy request.
_PUBLIC_DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    # Uploaded images may live in a bucket of their own (DJANGO_S3_BUCKET).
    " ".join(["img-src 'self' data:", settings.MEDIA_ORIGIN]).strip(),
    "font-src 'self'",
    "connect-src 'self'",
    "frame-src https://www.youtube-nocookie.com https://www.youtube.com https://player.vimeo.com",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
]
CONTENT_SECURITY_POLICY = "; ".join([*_PUBLIC_DIRECTIVES, "frame-ancestors 'none'"])
PREVIEW_CONTENT_SECURITY_POLICY = "; ".join([*_PUBLIC_DIRECTIVES, "frame-ancestors 'self'"])

# The Wagtail admin ships inline scripts (InlinePanel, date pickers, chooser modals) and sets
# inline styles, without nonces: those need 'unsafe-inline'. Everything still has to come from
# this origin (no script, style, font or connection elsewhere), and no plugin, <base> or foreign
# form target. Images may come over https: (embed thumbnails in the editor). Frames: the preview
# panel (same origin) and the embeds inside previews.
ADMIN_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self' https://www.youtube-nocookie.com https://www.youtube.com https://player.vimeo.com",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path_info.startswith(ADMIN_PREFIX):
            # A preview response already carries the previewed page's policy; it is kept.
            response.headers.setdefault("Content-Security-Policy", ADMIN_CONTENT_SECURITY_POLICY)
        elif getattr(request, "is_dummy", False):
            response.headers.setdefault("Content-Security-Policy", PREVIEW_CONTENT_SECURITY_POLICY)
        else:
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class StaffSessionMiddleware:
    """Signs a user out once their session has outlived a working day or sat idle too long."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and staff_session_expired(request):
            logout(request)
            if request.path_info.startswith(ADMIN_PREFIX):
                messages.info(request, "Your session has ended. Please sign in again.")
        return self.get_response(request)


class TwoFactorMiddleware:
    """Until a session that needs a second factor (or whose user set one up) has verified it, the
    person is anonymous to the whole site: private pages, private documents, every view, wherever
    it is served. In the admin such a session is sent to enter its code (or to set up an app)
    instead, except on the steps themselves and what their pages load.

    Runs right after django-otp's OTPMiddleware, which tells whether this session has verified, and
    before anything that reads `request.user`. The user set aside is `request.unverified_user`, for
    the site's sign-in page to send the person to their code."""

    # The sign-in and sign-out pages, the two-factor steps, and what their pages load.
    OPEN_URL_NAMES = {
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
        "clinic_2fa_verify",
        "clinic_2fa_setup",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and must_verify(user):
            if not request.path_info.startswith(ADMIN_PREFIX):
                _as_anonymous(request, user)
            elif _url_name(request.path_info) not in self.OPEN_URL_NAMES:
                return redirect(next_step_url(user, request.get_full_path()))
        return self.get_response(request)


def _url_name(path_info: str) -> str | None:
    try:
        return resolve(path_info).url_name
    except Resolver404:
        return None


def _as_anonymous(request, user) -> None:
    anonymous = AnonymousUser()
    # As django-otp's middleware marks every user, signed in or not.
    anonymous.otp_device = None
    anonymous.is_verified = lambda: False

    async def auser():
        return anonymous

    request.user = anonymous
    request.auser = auser
    request.unverified_user = user
