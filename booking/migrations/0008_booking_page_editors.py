"""The "Booking page editors" group: the only staff besides superusers who may change the booking
page (its text goes into patients' emails). Gets edit and publish rights on existing booking pages."""

from django.db import migrations

from booking.page_permissions import BOOKING_PAGE_EDITORS, grant_booking_page


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for label in ("booking", "wagtailcore"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True  # create_permissions skips app configs without models.
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=BOOKING_PAGE_EDITORS)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="booking", codename="change_discoveryvisitpage"),
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
    )
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    for page in apps.get_model("booking", "DiscoveryVisitPage").objects.all():
        grant_booking_page(page, Group, GroupPagePermission, Permission)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=BOOKING_PAGE_EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0007_fresh_link_notification"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
