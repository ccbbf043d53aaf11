"""When a waitlist entry's "you are on the waitlist" email went out, so that the minute's pass can
send one that was lost. Entries made before this are taken as sent (their email was queued then):
the pass must not send every waiting patient a second one."""

from django.db import migrations, models
from django.db.models import F


def mark_earlier_entries_sent(apps, schema_editor):
    WaitlistEntry = apps.get_model("booking", "WaitlistEntry")
    WaitlistEntry.objects.filter(joined_email_sent_at__isnull=True).update(joined_email_sent_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0018_waitlist"),
    ]

    operations = [
        migrations.AddField(
            model_name="waitlistentry",
            name="joined_email_sent_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mark_earlier_entries_sent, migrations.RunPython.noop, elidable=True),
    ]
