"""Booking's staff recipients moved from the clinic settings to booking's own settings."""

import pytest

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("booking", "0003_bookingsettings"), ("clinic", "0003_call_to_action_phone_help")]


def _default_site(apps):
    """The default site, made afresh when an earlier transactional test flushed the database."""
    Site = apps.get_model("wagtailcore", "Site")
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        return site
    ContentType = apps.get_model("contenttypes", "ContentType")
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    locale, _ = Locale.objects.get_or_create(language_code="en")
    root = Page.objects.create(
        title="Root",
        draft_title="Root",
        slug="root",
        depth=1,
        path="0001",
        content_type=page_type,
        locale=locale,
    )
    return Site.objects.create(hostname="localhost", root_page=root, is_default_site=True)


@pytest.mark.django_db(transaction=True)
def test_staff_recipients_move_from_clinic_settings_to_booking_settings():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    site = _default_site(apps)
    apps.get_model("clinic", "ClinicSettings").objects.create(
        site=site, phone="(954) 519-5404", booking_recipients="a@example.com\nb@example.com"
    )
    executor = MigrationExecutor(connection)  # the graph again, as it is after the move back
    executor.migrate(executor.loader.graph.leaf_nodes())
    apps = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    booking = apps.get_model("booking", "BookingSettings").objects.get(site_id=site.pk)
    assert booking.staff_recipients == "a@example.com\nb@example.com"
