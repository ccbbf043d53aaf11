"""English and Spanish (issue 18): both locales, Spanish texts beside the English ones on care areas,
people and the clinic settings, the language assistance page setting, and testimonials as
translatable snippets (the existing ones become the English ones; 0010 then makes the fields required)."""

import uuid

import django.db.models.deletion
import wagtail.fields
from django.db import migrations, models

from wagtail.models.i18n import BootstrapLocaleField, BootstrapTranslationKeyField

SPANISH_HELP = "Shown on the Spanish pages (/es/); the English text is shown while this is blank."


def create_locales(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    for code in ("en", "es"):
        Locale.objects.get_or_create(language_code=code)


def existing_testimonials_are_english(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Testimonial = apps.get_model("clinic", "Testimonial")
    english = Locale.objects.get(language_code="en")
    for testimonial in Testimonial.objects.filter(translation_key__isnull=True):
        testimonial.translation_key = uuid.uuid4()
        testimonial.locale = english
        testimonial.save(update_fields=["translation_key", "locale"])


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0008_rate_limit_counter_moves_to_clinic"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(create_locales, migrations.RunPython.noop),
        migrations.AddField(
            model_name="carearea",
            name="name_es",
            field=models.CharField(blank=True, help_text=SPANISH_HELP, max_length=60, verbose_name="name (Spanish)"),
        ),
        migrations.AddField(
            model_name="carearea",
            name="description_es",
            field=models.TextField(blank=True, max_length=400, verbose_name="description (Spanish)"),
        ),
        migrations.AddField(
            model_name="person",
            name="role_es",
            field=models.CharField(blank=True, help_text=SPANISH_HELP, max_length=100, verbose_name="role (Spanish)"),
        ),
        migrations.AddField(
            model_name="person",
            name="bio_es",
            field=wagtail.fields.RichTextField(blank=True, verbose_name="bio (Spanish)"),
        ),
        migrations.AddField(
            model_name="clinicsettings",
            name="tagline_es",
            field=models.CharField(blank=True, help_text=SPANISH_HELP, max_length=160, verbose_name="tagline (Spanish)"),
        ),
        migrations.AddField(
            model_name="clinicsettings",
            name="call_banner_text_es",
            field=models.CharField(
                blank=True, help_text=SPANISH_HELP, max_length=120, verbose_name="call banner text (Spanish)"
            ),
        ),
        migrations.AddField(
            model_name="clinicsettings",
            name="reviews_label_es",
            field=models.CharField(
                blank=True, help_text=SPANISH_HELP, max_length=60, verbose_name="reviews label (Spanish)"
            ),
        ),
        migrations.AddField(
            model_name="clinicsettings",
            name="language_page",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    'The notice that free language assistance is available ("Language assistance"), '
                    "linked from the footer of every page in every language."
                ),
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="wagtailcore.page",
            ),
        ),
        BootstrapLocaleField("clinic.Testimonial"),
        BootstrapTranslationKeyField("clinic.Testimonial"),
        migrations.RunPython(existing_testimonials_are_english, migrations.RunPython.noop),
    ]
