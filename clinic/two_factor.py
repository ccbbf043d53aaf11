"""A second factor for staff who see patient data: TOTP (an authenticator app) with one-time
recovery codes, built on django-otp's devices, with enrolment and verification in the admin's look.

Who must use it: `needs_second_factor`. Where it is enforced: `clinic.middleware.TwoFactorMiddleware`.
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
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def needs_second_factor(user) -> bool:
    """Superusers and anyone allowed to see patient data (STAFF_2FA_PERMISSIONS: the Front desk
    group's visit-request permission), unless STAFF_2FA_REQUIRED is off (development only)."""
    if not settings.STAFF_2FA_REQUIRED or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(user.has_perm(permission) for permission in settings.STAFF_2FA_PERMISSIONS)


def must_verify(user) -> bool:
    """Whether this signed-in user still has a second step to take before using the admin."""
    if user.is_verified():
        return False
    return needs_second_factor(user) or user_has_device(user, confirmed=True)


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
    context = {"codes": new_recovery_codes(request.user), "next": reverse("wagtailadmin_home")}
    return render(request, "wagtailadmin/two_factor/recovery_codes.html", context)
