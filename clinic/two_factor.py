"""A second factor for staff who see patient data: TOTP (an authenticator app) with one-time
recovery codes, built on django-otp's devices, with enrolment and verification in the admin's look.

Who must use it: `needs_second_factor`. Where it is enforced: everywhere, by
`clinic.middleware.TwoFactorMiddleware` (a session that has not verified is anonymous) and by the
site's own sign-in page for restricted pages (`SiteLoginView`), which asks for the second step too.
"""

from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import segno
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from wagtail.log_actions import log

# In Wagtail's audit log (Reports › Site history): a new app or new codes on someone's account
# is what taking it over would look like.
LOG_APP_SET_UP = "clinic.two_factor.app_set_up"
LOG_NEW_RECOVERY_CODES = "clinic.two_factor.new_recovery_codes"
LOG_ACTIONS = [
    (LOG_APP_SET_UP, "Set up an authenticator app", "Authenticator app set up"),
    (LOG_NEW_RECOVERY_CODES, "Get new recovery codes", "New recovery codes issued"),
]

RECOVERY_CODE_COUNT = 10
# The kinds of second factor a user can have (an app, recovery codes).
DEVICE_MODELS = (TOTPDevice, StaticDevice)
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def sees_patient_data(user) -> bool:
    """The one rule for who may see patient data (health data): active superusers, and active
    users holding any permission in PATIENT_DATA_PERMISSIONS (viewing, changing or exporting visit
    requests: each of them shows the requests). The booking inbox opens for no one else
    (booking.permissions), and everyone it opens for needs a second factor (`needs_second_factor`)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(user.has_perm(name) for name in settings.PATIENT_DATA_PERMISSIONS)


def needs_second_factor(user) -> bool:
    """Everyone who may see patient data, unless STAFF_2FA_REQUIRED is off (development only)."""
    return settings.STAFF_2FA_REQUIRED and sees_patient_data(user)


def asks_for_second_factor(user) -> bool:
    """Whether signing in as this user takes a second step: they need one, or have set one up."""
    return needs_second_factor(user) or has_confirmed_device(user)


DEVICE_CACHE_SECONDS = 300


def _device_cache_key(user_pk) -> str:
    return f"clinic-2fa-device:{user_pk}"


def has_confirmed_device(user) -> bool:
    """django-otp's `user_has_device` (a query per kind of device), kept in the shared cache:
    every signed-in request asks it. Saving or deleting a device forgets the answer at once and
    again at commit (`forget_device`); a cache that is down or evicts it only means asking again."""
    key = _device_cache_key(user.pk)
    found = cache.get(key)
    if found is None:
        found = user_has_device(user, confirmed=True)
        cache.set(key, found, DEVICE_CACHE_SECONDS)
    return found


def forget_device(sender, instance, **kwargs) -> None:
    """post_save and post_delete of each device model."""
    key = _device_cache_key(instance.user_id)
    cache.delete(key)
    # A request that read the devices before this transaction commits must not keep its answer.
    transaction.on_commit(lambda: cache.delete(key))


def must_verify(user) -> bool:
    """Whether this signed-in session still has its second step to take: until it does, the
    person is anonymous everywhere but on the steps themselves (clinic.middleware)."""
    return not user.is_verified() and asks_for_second_factor(user)


def may_route_patient_data(user) -> bool:
    """Whether this session may change where patient data is sent (staff notice recipients, the
    Reply-To of patient emails): someone who may see it, on a session whose second factor is
    verified (when second factors are required at all: development turns them off)."""
    return sees_patient_data(user) and (user.is_verified() or not settings.STAFF_2FA_REQUIRED)


def next_step_url(user, target: str) -> str:
    """Where a password-only session goes next: its code, or setting up an app first."""
    step = "clinic_2fa_verify" if user_has_device(user, confirmed=True) else "clinic_2fa_setup"
    return with_next(step, target)


def with_next(url_name: str, target: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': target})}"


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else default


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6-digit code your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).lower()
        with transaction.atomic():
            for device in devices_for_user(self.user, confirmed=True, for_verify=True):
                if device.verify_token(code):
                    self.device = device
                    return code
        raise forms.ValidationError(
            "That code did not work. Check the time on your phone, wait for a new code and try again."
        )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label="Code from your app",
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def __init__(self, *args, device: TOTPDevice, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not self.device.verify_token(code):
            raise forms.ValidationError("That code did not match. Enter the code the app shows now.")
        return code


def qr_code_svg(data: str) -> str:
    """An inline SVG (no script, no style attribute) the admin page can show as it is."""
    return segno.make(data, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title="QR code to scan with your authenticator app"
    )


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with fresh ones; each works once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@never_cache
@sensitive_post_parameters("code")
@login_required(login_url="wagtailadmin_login")
def verify(request):
    home = reverse("wagtailadmin_home")
    if not user_has_device(request.user, confirmed=True):
        return redirect(with_next("clinic_2fa_setup", safe_next(request, home)))
    form = CodeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        django_otp.login(request, form.device)
        return redirect(safe_next(request, home))
    context = {"form": form, "next": safe_next(request, home)}
    return render(request, "wagtailadmin/two_factor/verify.html", context)


@never_cache
@sensitive_post_parameters("code")
@login_required(login_url="wagtailadmin_login")
def setup(request):
    """Add an authenticator app: scan, confirm with a code, then keep the recovery codes."""
    home = reverse("wagtailadmin_home")
    if user_has_device(request.user, confirmed=True) and not request.user.is_verified():
        # Someone holding only the password must not be able to replace the owner's app.
        return redirect(with_next("clinic_2fa_verify", safe_next(request, home)))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=TOTP_DEVICE_NAME, confirmed=False)
    form = EnrolForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = new_recovery_codes(request.user)
            log(instance=device, action=LOG_APP_SET_UP, user=request.user)
        django_otp.login(request, device)
        context = {"codes": codes, "next": safe_next(request, home)}
        return render(request, "wagtailadmin/two_factor/recovery_codes.html", context)
    context = {
        "form": form,
        "qr_svg": qr_code_svg(device.config_url),
        "secret": _grouped_secret(device),
        "next": safe_next(request, home),
    }
    return render(request, "wagtailadmin/two_factor/setup.html", context)


def _grouped_secret(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required(login_url="wagtailadmin_login")
def recovery_codes(request):
    """New recovery codes (the old ones stop working), for a user who has just verified."""
    if request.method != "POST" or not request.user.is_verified():
        return redirect("clinic_2fa_setup")
    with transaction.atomic():
        codes = new_recovery_codes(request.user)
        device = StaticDevice.objects.get(user=request.user, name=RECOVERY_DEVICE_NAME)
        log(instance=device, action=LOG_NEW_RECOVERY_CODES, user=request.user)
    context = {"codes": codes, "next": reverse("wagtailadmin_home")}
    return render(request, "wagtailadmin/two_factor/recovery_codes.html", context)


class SiteLoginView(auth_views.LoginView):
    """Wagtail's sign-in page for login-restricted pages and documents (/_util/login/), with the
    second step: a password alone never signs in anyone who needs (or has set up) a second factor.
    After the password they go to their code, or to set up an app, and only then to the page.
    A session that already gave its password goes straight to that step."""

    template_name = getattr(settings, "WAGTAIL_FRONTEND_LOGIN_TEMPLATE", "wagtailcore/login.html")
    # Without ?next=, the home page (Django's default is /accounts/profile/, which is not a page).
    next_page = "/"

    def get(self, request, *args, **kwargs):
        pending = getattr(request, "unverified_user", None)
        if pending is not None:
            return redirect(next_step_url(pending, self.get_success_url()))
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if asks_for_second_factor(user):
            # Signed in, but anonymous to every page until the code (TwoFactorMiddleware).
            return redirect(next_step_url(user, self.get_success_url()))
        return response
