"""Security headers Django's SecurityMiddleware does not set (a strict CSP, Permissions-Policy), and
the end of staff sessions."""

from django_otp import user_has_device

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from clinic.accounts import staff_session_expired
from clinic.two_factor import must_verify, with_next

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
        self.admin_prefixes = ("/admin/",)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path_info.startswith(self.admin_prefixes):
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
            if request.path_info.startswith("/admin/"):
                messages.info(request, "Your session has ended. Please sign in again.")
        return self.get_response(request)


class TwoFactorMiddleware:
    """Keeps a password-only session out of the admin: a user who needs a second factor, or has
    set one up, is sent to verify (or to enrol) before any admin page but those steps themselves.
    Runs after django-otp's OTPMiddleware, which tells whether this session has verified."""

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
        if request.path.startswith("/admin/") and request.user.is_authenticated:
            try:
                url_name = resolve(request.path_info).url_name
            except Resolver404:
                url_name = None
            if url_name not in self.OPEN_URL_NAMES and must_verify(request.user):
                step = "clinic_2fa_verify" if user_has_device(request.user) else "clinic_2fa_setup"
                return redirect(with_next(step, request.get_full_path()))
        return self.get_response(request)
