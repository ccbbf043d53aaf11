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
    # Django creates permissions after all migrations; this one is needed now, so it is made here
    # the way Django would make it (post_migrate then finds it and leaves it alone).
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="booking", model="bookingsettings")
    perm, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="change_bookingsettings",
        defaults={"name": "Can change booking settings"},
    )
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.add(perm)


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
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    run_before = [("clinic", "0004_remove_clinicsettings_booking_recipients")]

    operations = [
        migrations.RunPython(copy_recipients, copy_recipients_back),
        migrations.RunPython(let_moderators_edit, stop_moderators_editing),
    ]
