"""Alerts about a connected calendar that staff must settle: a visit deleted or moved there by its
owner, or a visit at a time the owner is now busy. Each is shown on the dashboard until resolved
and emailed to the staff recipients once; the subject names no patient."""

import logging

from django_tasks import task

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..emails import admin_url, staff_recipients
from ..formatting import visit_time
from .ics import initials
from .models import CalendarAlert, CalendarConnection

logger = logging.getLogger(__name__)

BACKEND = "clinic"


def raise_alert(kind: str, *, visit_request, connection: CalendarConnection | None) -> int:
    """Open an alert (once: an open one for the same visit, calendar and kind is reused) and email
    staff about it after the commit. Returns 1 when it is new."""
    alert, created = CalendarAlert.objects.get_or_create(
        visit_request=visit_request, connection=connection, kind=kind, resolved_at__isnull=True
    )
    if created:
        transaction.on_commit(lambda: enqueue_alert_email(alert.pk))
    return int(created)


@task(backend=BACKEND)
def send_alert_email(alert_id: int) -> str:
    with transaction.atomic():
        alert = (
            CalendarAlert.objects.select_for_update(of=("self",))
            .select_related("visit_request__page", "connection__user")
            .filter(pk=alert_id, emailed_at__isnull=True)
            .first()
        )
        if alert is None:
            return "skipped"
        message = build_alert_email(alert)
        if message.to:
            message.send()
        alert.emailed_at = timezone.now()
        alert.save(update_fields=["emailed_at"])
    return "sent"


def enqueue_alert_email(alert_id: int) -> None:
    try:
        send_alert_email.enqueue(alert_id)
    except Exception:  # noqa: BLE001 - the alert is on the dashboard whatever happens to its email
        logger.exception("Could not queue the email for calendar alert %s", alert_id)


def build_alert_email(alert: CalendarAlert) -> EmailMessage:
    visit_request = alert.visit_request
    owner = (
        alert.connection.user.get_full_name() or alert.connection.user.get_username()
        if alert.connection
        else ""
    )
    dashboard = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("wagtailadmin_home")
    lines = [
        str(alert.get_kind_display()),
        "",
        _("Visit: %(time)s, patient %(initials)s")
        % {"time": visit_time(visit_request.slot_start), "initials": initials(visit_request) or "—"},
    ]
    if owner:
        lines.append(_("Calendar: %(owner)s's") % {"owner": owner})
    lines += [
        "",
        _(
            "The patient's visit has not changed. Please check with the patient or the therapist, then move "
            "or cancel the visit, or mark the alert resolved on the dashboard:"
        ),
        admin_url(visit_request),
        dashboard,
    ]
    return EmailMessage(
        subject=_("Calendar alert: a Free Discovery Visit needs a look"),
        body="\n".join(lines) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=staff_recipients(visit_request),
    )
