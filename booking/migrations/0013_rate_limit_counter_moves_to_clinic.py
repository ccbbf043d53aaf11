"""Rate-limit counters move from booking to clinic (clinic/ratelimit.py), which the staff password
reset and page passwords use too. Counters live at most a day: they start again from zero."""


from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0012_notification_previous_slot_start'),
    ]

    operations = [
        migrations.DeleteModel(
            name='RateLimitCounter',
        ),
    ]
