"""Security headers Django's SecurityMiddleware does not set (a strict CSP, Permissions-Policy), and
the end of staff sessions."""

from django.contrib import messages
from django.contrib.auth import logout

from clinic.accounts import staff_session_expired

# The public site needs no inline script or style, so it can run under a strict policy.
# The Wagtail admin ships inline scripts of its own and is left to Wagtail.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src https://www.youtube-nocookie.com https://www.youtube.com https://player.vimeo.com",
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
        if not request.path.startswith(self.admin_prefixes):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class StaffSessionMiddleware:
    """Signs a user out once their session has outlived a working day or sat idle too long."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and staff_session_expired(request):
            logout(request)
            if request.path.startswith("/admin/"):
                messages.info(request, "Your session has ended. Please sign in again.")
        return self.get_response(request)
