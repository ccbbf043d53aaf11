"""Clinical review: articles get their reading score, the review fields are set by approvals, and
Blog editors no longer publish (they submit to the Clinical review workflow; see docs/authoring.md)."""

import django.db.models.deletion
from django.db import migrations, models


def score_existing_articles(apps, schema_editor):
    from blog.readability import body_text_units, language_of, reading_level

    BlogPage = apps.get_model("blog", "BlogPage")
    for page in BlogPage.objects.select_related("locale").only("pk", "body", "locale"):
        language = language_of(page.locale.language_code)
        level = reading_level(body_text_units(page.body.raw_data), language=language) if language else None
        BlogPage.objects.filter(pk=page.pk).update(reading_score=level.score if level else None)


def blog_editors_stop_publishing(apps, schema_editor):
    # Only the workflow's approval publishes now (blog.services.blog_editors_group_ensure).
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupPagePermission.objects.filter(
        group__name="Blog editors", permission__codename="publish_page"
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('blog', '0004_call_to_action_link_help'),
        ('clinic', '0007_person_admin_account'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.AddField(
            model_name='blogpage',
            name='reading_score',
            field=models.FloatField(blank=True, editable=False, help_text='Flesch-Kincaid grade of the body (Fernandez Huerta for Spanish); see blog.readability.', null=True),
        ),
        migrations.AlterField(
            model_name='blogpage',
            name='last_reviewed',
            field=models.DateField(blank=True, help_text='When a clinical reviewer last approved the article.', null=True),
        ),
        migrations.AlterField(
            model_name='blogpage',
            name='reviewed_by',
            field=models.ForeignKey(blank=True, help_text='The clinical reviewer who last approved the article (their Team entry).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='clinic.person', verbose_name='medically reviewed by'),
        ),
        migrations.RunPython(score_existing_articles, migrations.RunPython.noop),
        migrations.RunPython(blog_editors_stop_publishing, migrations.RunPython.noop),
    ]
