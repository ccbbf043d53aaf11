"""The "Front desk" group: staff who see, handle and export visit requests (health data).

Editors and Moderators get no booking permissions, so blog editors never see requests."""

from django.db import migrations

CODENAMES = ["view_visitrequest", "change_visitrequest", "export_visitrequest"]


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("booking")
    app_config.models_module = True  # create_permissions skips app configs without models.
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Front desk")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="booking", codename__in=CODENAMES))
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Front desk").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
