"""Passwords that can be guessed or used to send email, with limits: page and collection passwords
(Wagtail's password view restrictions) and the staff password reset.

Wagtail's own views take no count of attempts: these replace them at the same URLs and names
(clinic/urls.py). Counters live in the database (clinic.ratelimit), shared by every process."""

from django import forms
from django.conf import settings
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from wagtail.admin.views.account import PasswordResetView
from wagtail.forms import PasswordViewRestrictionForm
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction

from clinic import ratelimit

GUESSES_PAUSED = _(
    "Too many passwords were tried from your network, so we have paused this for an hour. "
    "Please try again later."
)
RESETS_PAUSED = _(
    "Too many password reset emails were asked for (for this address or from your network), so we "
    "have paused this for an hour. Check your inbox and spam folder for the email we sent, or ask "
    "an administrator."
)


class PasswordForm(PasswordViewRestrictionForm):
    """Wagtail's page or collection password form; once this client has used up its guesses the
    password is not even compared, and the form says why."""

    def __init__(self, *args, paused: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.paused = paused

    def clean_password(self):
        if self.paused:
            raise forms.ValidationError(GUESSES_PAUSED)
        return super().clean_password()


def _guess(request, restriction):
    """(form, response): a redirect to where the visitor was going once the password is right."""
    if request.method != "POST":
        return PasswordForm(instance=restriction), None
    # Every try counts, right or wrong: someone who knows the password needs one or two.
    paused = not ratelimit.allow(request, scope="view-password", rate=settings.PAGE_PASSWORD_RATE_LIMIT)
    form = PasswordForm(request.POST, instance=restriction, paused=paused)
    if not form.is_valid():
        return form, None
    return_url = form.cleaned_data["return_url"]
    if not url_has_allowed_host_and_scheme(return_url, {request.get_host()}, request.is_secure()):
        return_url = "/"
    restriction.mark_as_passed(request)
    return form, redirect(return_url)


def _paused_status(form, response):
    if form.is_bound and form.paused:
        response.status_code = 429
    return response


@never_cache
@sensitive_post_parameters("password")
def page_password(request, page_view_restriction_id: int, page_id: int):
    """A page's password (wagtailcore_authenticate_with_password)."""
    restriction = get_object_or_404(PageViewRestriction, id=page_view_restriction_id)
    page = get_object_or_404(Page, id=page_id).specific
    form, done = _guess(request, restriction)
    if done is not None:
        return done
    action_url = reverse("wagtailcore_authenticate_with_password", args=[restriction.id, page.id])
    return _paused_status(form, page.serve_password_required_response(request, form, action_url))


@never_cache
@sensitive_post_parameters("password")
def collection_password(request, restriction_id: int):
    """A private collection's password, for its documents (wagtaildocs_authenticate_with_password)."""
    restriction = get_object_or_404(CollectionViewRestriction, id=restriction_id)
    form, done = _guess(request, restriction)
    if done is not None:
        return done
    template = getattr(
        settings, "WAGTAILDOCS_PASSWORD_REQUIRED_TEMPLATE", "wagtaildocs/password_required.html"
    )
    action_url = reverse("wagtaildocs_authenticate_with_password", args=[restriction.id])
    response = TemplateResponse(request, template, {"form": form, "action_url": action_url})
    return _paused_status(form, response)


class LimitedPasswordResetView(PasswordResetView):
    """The admin's "Forgot password?" (wagtailadmin_password_reset): at most
    PASSWORD_RESET_RATE_LIMIT emails per address (however it is spelt) and requests per client
    address. Counted whether or not the address has an account, so the answer tells nothing."""

    def form_valid(self, form):
        rate = settings.PASSWORD_RESET_RATE_LIMIT
        per_client = ratelimit.allow(self.request, scope="password-reset-client", rate=rate)
        address = ratelimit.hashed(ratelimit.email_key(form.cleaned_data["email"]))
        per_address = ratelimit.allow(self.request, scope="password-reset-email", rate=rate, key=address)
        if per_client and per_address:
            return super().form_valid(form)
        form.add_error(None, RESETS_PAUSED)
        return self.render_to_response(self.get_context_data(form=form), status=429)
