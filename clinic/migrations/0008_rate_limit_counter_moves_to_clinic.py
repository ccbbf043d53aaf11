"""Rate-limit counters move from booking to clinic (clinic/ratelimit.py), which the staff password
reset and page passwords use too. Counters live at most a day: they start again from zero."""


from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clinic', '0007_person_admin_account'),
    ]

    operations = [
        migrations.CreateModel(
            name='RateLimitCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scope', models.CharField(max_length=40)),
                ('key', models.CharField(help_text="A keyed hash of the client's address or email", max_length=64)),
                ('window_start', models.DateTimeField()),
                ('count', models.PositiveIntegerField(default=0)),
                ('expires_at', models.DateTimeField(db_index=True)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('scope', 'key', 'window_start'), name='clinic_one_counter_per_window')],
            },
        ),
    ]
