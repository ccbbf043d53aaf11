"""Production: hardened, and refuses to start without a real secret key and allowed hosts."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    CALENDAR_ENCRYPTION_KEYS,
    CLIENT_IP_HEADER,
    CLINIC_PUBLIC_URL,
    FRONTEND_CACHE_URLS,
    SECRET_KEY,
    env_bool,
    is_fernet_key,
)

# Development keys, and the placeholders people copy from examples without replacing them.
PLACEHOLDER_KEY_PREFIXES = ("dev-", "test-", "change-me", "changeme", "django-insecure-", "your-", "replace-")

if not SECRET_KEY or len(SECRET_KEY) < 32 or SECRET_KEY.lower().startswith(PLACEHOLDER_KEY_PREFIXES):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a long random value in production "
        "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must list the site's host names, comma-separated "
        "(for example: DJANGO_ALLOWED_HOSTS=www.example-clinic.com,example-clinic.com)."
    )
if not CLINIC_PUBLIC_URL:
    raise ImproperlyConfigured(
        "CLINIC_PUBLIC_URL must be the site's public origin, for example "
        "CLINIC_PUBLIC_URL=https://www.example-clinic.com: the links in emails, calendar files, the "
        "feed and the sitemap are built from it, and patients' change-or-cancel links must open."
    )
if FRONTEND_CACHE_URLS and not CLIENT_IP_HEADER:
    raise ImproperlyConfigured(
        "CLIENT_IP_HEADER must name the header your proxy overwrites with the client's address, for "
        "example CLIENT_IP_HEADER=HTTP_X_REAL_IP with nginx's `proxy_set_header X-Real-IP "
        "$remote_addr;` (deploy/nginx.conf). FRONTEND_CACHE_URLS is set, so requests reach the site "
        "through a proxy: without it every visitor has the proxy's address, a few failed sign-ins "
        "lock an account for everyone and the booking rate limit counts the whole site as one visitor."
    )
if CLIENT_IP_HEADER and not CLIENT_IP_HEADER.startswith("HTTP_"):
    raise ImproperlyConfigured(
        f"CLIENT_IP_HEADER is a request.META key such as HTTP_X_REAL_IP (for the X-Real-IP header), "
        f"not {CLIENT_IP_HEADER!r}."
    )

if not all(is_fernet_key(key) for key in CALENDAR_ENCRYPTION_KEYS):
    raise ImproperlyConfigured(
        "CALENDAR_ENCRYPTION_KEY must be Fernet keys, comma-separated (for example: python -c "
        "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')."
    )

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Asks browsers' HSTS preload lists to include the domain (once submitted at hstspreload.org); hard
# to undo, so it is a setting of its own: turn it off if any subdomain must still answer over HTTP.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# __Host- cookies are only accepted over HTTPS, for this exact host and path /: a subdomain or a
# plain-HTTP page cannot plant or overwrite them (session fixation, CSRF cookie tossing).
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
if not SECURE_SSL_REDIRECT:
    # Off only where the proxy in front redirects HTTP to HTTPS itself (or for the checks, which
    # run these settings over plain HTTP on loopback); security.W008 says to make sure of that.
    SILENCED_SYSTEM_CHECKS = ["security.W008"]
# Staff who can see patient data always use two-step verification here, whatever the environment says.
STAFF_2FA_REQUIRED = True
