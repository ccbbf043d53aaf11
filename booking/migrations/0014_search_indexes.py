"""Indexes for the front desk at tens of thousands of requests (issue 16): the "same patient?"
lookup's lower-case address and phone, and on PostgreSQL trigram indexes for the inbox search,
which looks for each typed word anywhere in a name or address (`icontains`: UPPER(..) LIKE) and
for typed digits anywhere in the phone number (LIKE), so neither reads every request. SQLite has
no such index: it reads them all (about 20 ms at 50,000)."""

import django.db.models.functions.text

from django.conf import settings
from django.db import migrations, models

# (index name, indexed expression): the expressions Django's lookups compare, so they match.
TRIGRAM_INDEXES = [
    ("booking_vr_first_name_trgm", 'UPPER("first_name"::text)'),
    ("booking_vr_last_name_trgm", 'UPPER("last_name"::text)'),
    ("booking_vr_email_trgm", 'UPPER("email"::text)'),
    ("booking_vr_phone_trgm", '"phone"'),
]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Not Django's TrigramExtension operation: unapplying it asks pg_extension even on SQLite.
    # Unapplying this leaves the extension installed, which nothing else minds.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON booking_visitrequest USING gin ({expression} gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0013_rate_limit_counter_moves_to_clinic"),
        ("clinic", "0008_rate_limit_counter_moves_to_clinic"),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
        migrations.AddIndex(
            model_name="visitrequest",
            index=models.Index(django.db.models.functions.text.Lower("email"), name="booking_vr_email_lower"),
        ),
        migrations.AddIndex(
            model_name="visitrequest",
            index=models.Index(fields=["phone"], name="booking_vr_phone"),
        ),
    ]
