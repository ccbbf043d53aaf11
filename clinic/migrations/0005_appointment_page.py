# The clinic's "Book" buttons go to this page; renamed so the clinic's settings name no other app.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0004_remove_clinicsettings_booking_recipients"),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.RenameField(
            model_name="clinicsettings",
            old_name="booking_page",
            new_name="appointment_page",
        ),
        migrations.AlterField(
            model_name="clinicsettings",
            name="appointment_page",
            field=models.ForeignKey(
                blank=True,
                help_text="The page where patients book a Free Discovery Visit; every Book button links to it.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.WAGTAIL_PAGE_MODEL,
            ),
        ),
    ]
