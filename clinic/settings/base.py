"""Settings shared by every environment; anything secret or machine-specific comes from the env."""

import base64
import binascii
import hashlib
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def calendar_key_from(secret: str) -> str:
    """A Fernet key (32 url-safe base64 bytes) derived from a secret: development and tests only."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"calendar:{secret}".encode()).digest()).decode()


def is_fernet_key(key: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(key.encode())) == 32
    except (binascii.Error, ValueError):
        return False


def env_origin(name: str) -> str:
    """An origin such as https://www.example.com (no trailing slash), '' when unset."""
    value = os.environ.get(name, "").strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.path not in {"", "/"}
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise ImproperlyConfigured(
            f"{name} must be an origin such as https://www.example-clinic.com (scheme, host and "
            f"optional port; no path), not {value!r}."
        )
    return f"{parts.scheme}://{parts.netloc}"


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "clinic",
    "blog",
    "booking",
    # Translation workflow for pages and snippets (docs/translation.md); its locales app replaces
    # wagtail.locales.
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
    "wagtail.contrib.frontend_cache",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Names the site in each response, for Varnish to ban by (clinic/frontend_cache.py).
    "clinic.frontend_cache.CacheSiteMiddleware",
    "clinic.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The language is the path's (/es/... Spanish, the rest English), never the browser's: a cached
    # page is one language for everyone (clinic/languages.py).
    "clinic.languages.PathLanguageMiddleware",
    # Before sessions, CSRF and auth: a cached page skips them all (clinic/page_cache.py).
    "clinic.page_cache.PageCacheMiddleware",
    # After the page cache: finds the site and its home page once per generation, not per request.
    "clinic.serving.SiteLookupMiddleware",
    # A page's URL asked for without the request (`{{ page.url }}` in Wagtail's page explorer)
    # reads the site root paths once per request, not once per page (clinic/public_url.py).
    "clinic.public_url.RequestURLCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "clinic.middleware.StaffSessionMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "clinic.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so it sees the login view's answer and replaces it when the login was locked out.
    "axes.middleware.AxesMiddleware",
]

# django-axes checks every login against its lockout records before the password is tried.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "clinic.urls"
# The site is served at the root of its host. Fixed here, never taken from the server: gunicorn
# takes SCRIPT_NAME from a request header, which would prefix every URL Django builds (menus,
# cached fragments) and request.path. Paths are decided on request.path_info.
FORCE_SCRIPT_NAME = ""
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# PostgreSQL when DATABASE_URL is set, a local SQLite file otherwise.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's default DEFERRED transactions answer concurrent writers with "database is locked";
    # IMMEDIATE takes the write lock up front so writers queue for up to `timeout` seconds instead.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Kept open like PostgreSQL's: opening one (Django registers its SQL functions, WAL is
    # checked) took 2.4 ms, more than a cached page's whole answer.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared between server processes: rate limits must hold across them. Redis being down must
# not take pages down: the backend skips an unreachable Redis after a short timeout (clinic/cache.py).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "clinic.cache.ResilientRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.25")),
                "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.25")),
                "retry_seconds": 10,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "clinic_cache",
            # Django's default (300) culls a third of the table whenever it is full. A page and its
            # fragments take up to 4 entries (clinic.checks): 50,000 keep a whole 5,000-article site
            # with room (a crawl of it stores ~20,000, ~400 MB at most; bench/RESULTS.md). `migrate`
            # warns when the live pages need more (clinic.checks).
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "50000"))},
        },
        # Wagtail's rendition cache writes each rendition back on every `{% image %}`: in the
        # database that costs five queries an image and saves none, as pages prefetch their
        # renditions (clinic.images). Wagtail uses this alias when it exists.
        "renditions": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
# Several sites (or a staging copy) sharing one Redis database keep their keys apart.
CACHES["default"]["KEY_PREFIX"] = os.environ.get("DJANGO_CACHE_KEY_PREFIX", "")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff login lockout (django-axes; records in the database, so every process sees them). Counted
# per username *and* client address: a guesser is stopped after a handful of tries, while someone
# typing a colleague's name wrong from another address cannot lock that colleague out. Guessing
# from many addresses is what the second factor is for. Unlock early: `manage.py axes_reset_username`.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "clinic.accounts.client_ip"
AXES_LOCKOUT_CALLABLE = "clinic.accounts.lockout_response"
AXES_ENABLE_ADMIN = False
# Staff password reset emails, per address and per client address; page and collection password
# tries per client address (clinic/passwords.py; "0" = off).
PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "5/h")
PAGE_PASSWORD_RATE_LIMIT = os.environ.get("PAGE_PASSWORD_RATE_LIMIT", "10/h")
# Staff sessions end after a working day however busy, and after an idle spell.
STAFF_SESSION_MAX_SECONDS = int(os.environ.get("STAFF_SESSION_MAX_HOURS", "10")) * 3600
STAFF_SESSION_IDLE_SECONDS = int(os.environ.get("STAFF_SESSION_IDLE_MINUTES", "45")) * 60
# Second factor (django-otp TOTP + recovery codes) for superusers and everyone who may see patient
# data. Development turns the requirement off (see dev.py); anyone who has enrolled still verifies.
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", True)
# Who may see patient data: holders of any of these (each shows visit requests), and superusers.
# The one list behind both the second factor and the booking inbox (clinic.two_factor.sees_patient_data).
PATIENT_DATA_PERMISSIONS = [
    "booking.view_visitrequest",
    "booking.change_visitrequest",
    "booking.export_visitrequest",
]
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Clinic admin")

# English at /, US Spanish at /es/ (Wagtail locales; docs/translation.md).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# A new translation starts as a draft, even of a live page: a Spanish article goes live through
# the Spanish blog's Clinical review like any other (docs/translation.md), never as an English copy.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("CLINIC_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded media in an S3-compatible bucket when one is configured (shared by every server);
# otherwise files in MEDIA_ROOT. See docs/deployment.md, "Media".
if os.environ.get("DJANGO_S3_BUCKET"):
    MEDIA_STORAGE = {
        "BACKEND": "clinic.storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": os.environ["DJANGO_S3_BUCKET"],
            "endpoint_url": os.environ.get("DJANGO_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("DJANGO_S3_REGION") or None,
            "access_key": os.environ.get("DJANGO_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("DJANGO_S3_SECRET_ACCESS_KEY") or None,
            "custom_domain": os.environ.get("DJANGO_S3_CUSTOM_DOMAIN") or None,
            # Plain, stable URLs: pages holding image URLs are cached (page cache, Varnish) for
            # longer than a signed URL would live. The bucket's images must be publicly readable.
            "querystring_auth": env_bool("DJANGO_S3_QUERYSTRING_AUTH", False),
            "file_overwrite": False,
            "default_acl": os.environ.get("DJANGO_S3_DEFAULT_ACL") or None,
            "object_parameters": {"CacheControl": "public, max-age=31536000"},
        },
    }
    # Where pages' <img> URLs point, for the Content-Security-Policy's img-src.
    if MEDIA_STORAGE["OPTIONS"]["custom_domain"]:
        MEDIA_ORIGIN = "https://" + MEDIA_STORAGE["OPTIONS"]["custom_domain"]
    elif MEDIA_STORAGE["OPTIONS"]["endpoint_url"]:
        MEDIA_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_STORAGE["OPTIONS"]["endpoint_url"]))
    else:
        MEDIA_ORIGIN = "https://*.amazonaws.com"
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    MEDIA_ORIGIN = ""
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Single-server installs without a proxy for /media/: Django serves MEDIA_ROOT itself.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", False)

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Email: SMTP unless told otherwise. Django's default SMTP timeout is none, which would let a
# hung mail server hold a worker forever.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "clinic@localhost")
# For django.core.mail.backends.filebased.EmailBackend (a mail folder instead of a server).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Wagtail's own tasks (reference index, image focal points) run inline; the clinic's emails
# go to the "clinic" backend, a database queue worked by `manage.py db_worker` in production.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "clinic": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

# Anonymous public pages are served from the shared cache for this long (seconds; 0 = off).
# Publishing, snippet and settings changes invalidate them at once: see docs/caching.md.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# Parts of pages (an article's body, related articles and structured data; the footer) are kept
# rendered in the same cache under the same generation, for this long (seconds; 0 = off). They
# serve whoever the page cache cannot: staff, visitors with a session, or PAGE_CACHE_SECONDS=0.
FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "3600"))

# /healthz calls the task queue "behind" once its oldest unfinished task is this old (seconds).
HEALTHZ_TASK_QUEUE_MAX_AGE = int(os.environ.get("HEALTHZ_TASK_QUEUE_MAX_AGE", "900"))

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Nothing frames the site's pages. Wagtail's preview views (the editor's preview panel, block
# previews) set SAMEORIGIN on their own responses, which this middleware leaves alone.
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # One line per task run drowns everything else out.
    # One line per task run, or per failed sign-in step, drowns everything else out; lockouts
    # and repeated failures are warnings and still show.
    "loggers": {"django_tasks": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# The site's public origin: every absolute link (emails, .ics, feed, sitemap, canonical, Open Graph)
# is built from it by clinic.public_url. Required in production; `make run` sets it to where it
# serves; unset in development, links follow the request.
CLINIC_PUBLIC_URL = env_origin("CLINIC_PUBLIC_URL")

WAGTAIL_SITE_NAME = "Clinic"
WAGTAILADMIN_BASE_URL = (
    os.environ.get("WAGTAILADMIN_BASE_URL", "").strip() or CLINIC_PUBLIC_URL or "http://127.0.0.1:8000"
)
# Wagtail's database backend; on PostgreSQL each page is stemmed in its own language (english,
# spanish) and searched in the visitor's (clinic/search_backend.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "clinic.search_backend"}}
# Documents always go through Wagtail's view, which checks privacy settings; never a direct
# link to the file (on S3, "redirect" would hand out the bucket URL of a private document).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
# An 11,000 x 11,000 PNG of 375 kB took 8 s and 1 GB to thumbnail. 40 megapixels still takes any
# camera's photo (8000 x 5000); 10 MB is Wagtail's default, stated here on purpose. Pillow's own
# guard (refuses past about 179 megapixels) stays as it is: lowering it would replace Wagtail's
# message, which gives the image's pixel count, with "unknown number".
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"bmp": "webp", "png": "webp", "jpeg": "webp", "gif": "webp"}
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Clinical review of articles (blog/workflow.py, docs/authoring.md): the approval publishes, and
# records the article's medical review. The workflow's emails go to the reviewers of the task and
# to the editor who submitted, through the task worker; superusers are not copied on every one.
WAGTAIL_FINISH_WORKFLOW_ACTION = "blog.finish_workflow.publish_approved"
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
# One review step: an edit made during the review is what the reviewer then sees and approves, and
# approving publishes at once ("Approve and Publish"). Every later edit is a new submission anyway.
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = False
# No avatars from gravatar.com: staff email hashes stay here, and the admin's CSP stays 'self'.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILEMBEDS_RESPONSIVE_HTML = True
# Front cache (Varnish): each URL gets PURGE requests for a published page's own URLs and a BAN
# of the whole site after any content change (clinic/frontend_cache.py). Comma-separated.
FRONTEND_CACHE_URLS = env_list("FRONTEND_CACHE_URLS")
WAGTAILFRONTENDCACHE = {
    f"varnish{number}": {"BACKEND": "clinic.frontend_cache.VarnishBackend", "LOCATION": url}
    for number, url in enumerate(FRONTEND_CACHE_URLS, start=1)
}

# Booking (Free Discovery Visits). The rate limit counts POSTs per client address in the shared
# cache ("10/h" = ten an hour; "0" switches it off); forms sent faster than the minimum fill time
# are refused as automated; emails are tried this many times before staff are alerted.
BOOKING_RATE_LIMIT = os.environ.get("BOOKING_RATE_LIMIT", "10/h")
BOOKING_MIN_FILL_SECONDS = int(os.environ.get("BOOKING_MIN_FILL_SECONDS", "3"))
# Minutes the confirmation page (and its .ics download) stays readable in the patient's
# browser; an anonymous session holding it ends then too, so a shared device forgets it.
BOOKING_CONFIRMATION_MINUTES = int(os.environ.get("BOOKING_CONFIRMATION_MINUTES", "10"))
# A form's signed start time is good for this long; older ones are sent back to be checked.
BOOKING_FORM_MAX_AGE_HOURS = int(os.environ.get("BOOKING_FORM_MAX_AGE_HOURS", "2"))
# Behind a reverse proxy: the request.META key of a header the proxy sets to the client's
# address, overwriting any the client sent (e.g. "HTTP_X_REAL_IP"). Empty: REMOTE_ADDR.
# Behind a proxy, the META key of the header it overwrites with the client address (rate limits,
# login lockout). BOOKING_CLIENT_IP_HEADER is the name it had before it served the login lockout.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", os.environ.get("BOOKING_CLIENT_IP_HEADER", ""))
BOOKING_EMAIL_MAX_ATTEMPTS = 5
# Moves and cancels through a manage link, per visit and per client address ("0" = off).
BOOKING_MANAGE_RATE_LIMIT = os.environ.get("BOOKING_MANAGE_RATE_LIMIT", "5/h")
# Active future requests allowed per email address and per phone number ("0" = no limit), and
# how many new requests in an hour warn staff (dashboard + one email an hour; "0" = never).
BOOKING_MAX_ACTIVE_PER_CONTACT = int(os.environ.get("BOOKING_MAX_ACTIVE_PER_CONTACT", "2"))
BOOKING_SPIKE_THRESHOLD = int(os.environ.get("BOOKING_SPIKE_THRESHOLD", "20"))
# Requests for a fresh manage link, per client address and per email address ("0" = off).
BOOKING_FRESH_LINK_RATE_LIMIT = os.environ.get("BOOKING_FRESH_LINK_RATE_LIMIT", "3/h")
# Days a manage link works (at most; it also stops when the visit starts). Patients can ask for
# a fresh link by email, and reminders carry one.
BOOKING_MANAGE_LINK_MAX_AGE_DAYS = int(os.environ.get("BOOKING_MANAGE_LINK_MAX_AGE_DAYS", "30"))

# Calendar sync (booking/calendars, docs/calendars.md). CalDAV passwords are encrypted with these
# Fernet keys (comma-separated: the first encrypts, every one decrypts, for rotation); dev and
# tests derive one from the secret key, production has none unless it is set.
CALENDAR_ENCRYPTION_KEYS = env_list("CALENDAR_ENCRYPTION_KEY")
# A sync pass older than this (seconds) makes /healthz say "degraded" and warns on the dashboard.
CALENDAR_SYNC_STALE_SECONDS = int(os.environ.get("CALENDAR_SYNC_STALE_SECONDS", "1800"))
# Requests to one private feed URL (calendar apps poll it); "0" = off.
CALENDAR_FEED_RATE_LIMIT = os.environ.get("CALENDAR_FEED_RATE_LIMIT", "60/h")
# Plain-HTTP CalDAV addresses are refused in production (passwords would cross the network in
# clear); development and tests talk to a local server.
CALENDAR_ALLOW_HTTP = False

# The minute jobs `manage.py run_scheduler` runs beside `make run` (production: systemd timers).
SCHEDULER_COMMANDS = ["publish_scheduled", "waitlist_advance"]
