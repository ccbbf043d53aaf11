"""Connecting a CalDAV calendar: its address, the username, an app password (never shown again)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ConnectForm(forms.Form):
    url = forms.URLField(
        label=_("Calendar address (CalDAV)"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The calendar's CalDAV address, or your account's: the first calendar is used then."),
    )
    username = forms.CharField(label=_("Username"), max_length=200)
    password = forms.CharField(
        label=_("App password"),
        max_length=500,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Create an app password for this site in your calendar account. It is stored encrypted "
            "and never shown again."
        ),
    )
