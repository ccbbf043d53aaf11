"""Lets Wagtail's default staff groups look after the clinic's content without a developer.

Editors maintain the team, testimonials and care areas; Moderators can also change the clinic's
settings (phone, address, hours, recipients)."""

from django.db import migrations

SNIPPET_MODELS = ["person", "testimonial", "carearea"]
ACTIONS = ["add", "change", "delete"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; this one needs them now.
    app_config = apps.get_app_config("clinic")
    app_config.models_module = True  # create_permissions skips app configs without models.
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    snippet_perms = Permission.objects.filter(
        content_type__app_label="clinic",
        codename__in=[f"{action}_{model}" for model in SNIPPET_MODELS for action in ACTIONS],
    )
    settings_perm = Permission.objects.filter(content_type__app_label="clinic", codename="change_clinicsettings")
    for group in Group.objects.filter(name__in=["Editors", "Moderators"]):
        group.permissions.add(*snippet_perms)
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.add(*settings_perm)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="clinic")
    for group in Group.objects.filter(name__in=["Editors", "Moderators"]):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
