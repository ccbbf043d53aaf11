"""Booking's staff recipients move from the clinic settings to booking's own settings.

Copies each site's addresses before clinic drops its field (run_before), and lets Moderators edit
them, as they could on the clinic settings. The Front desk group stays as it was."""

from django.db import migrations


def copy_recipients(apps, schema_editor):
    ClinicSettings = apps.get_model("clinic", "ClinicSettings")
    BookingSettings = apps.get_model("booking", "BookingSettings")
    for clinic in ClinicSettings.objects.all():
        BookingSettings.objects.update_or_create(
            site_id=clinic.site_id, defaults={"staff_recipients": clinic.booking_recipients}
        )


def copy_recipients_back(apps, schema_editor):
    ClinicSettings = apps.get_model("clinic", "ClinicSettings")
    BookingSettings = apps.get_model("booking", "BookingSettings")
    for booking in BookingSettings.objects.all():
        ClinicSettings.objects.filter(site_id=booking.site_id).update(booking_recipients=booking.staff_recipients)


def let_moderators_edit(apps, schema_editor):
    # Permissions are normally created after all migrations; this one needs them now.
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("booking")
    app_config.models_module = True  # create_permissions skips app configs without models.
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perm = Permission.objects.filter(content_type__app_label="booking", codename="change_bookingsettings")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.add(*perm)


def stop_moderators_editing(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perm = Permission.objects.filter(content_type__app_label="booking", codename="change_bookingsettings")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(*perm)


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0003_bookingsettings"),
        ("clinic", "0003_call_to_action_phone_help"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]
    run_before = [("clinic", "0004_remove_clinicsettings_booking_recipients")]

    operations = [
        migrations.RunPython(copy_recipients, copy_recipients_back),
        migrations.RunPython(let_moderators_edit, stop_moderators_editing),
    ]
