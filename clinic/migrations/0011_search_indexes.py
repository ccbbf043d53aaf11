"""Indexes for site search at thousands of articles (issue 16), PostgreSQL only, on the exact
expressions Wagtail's database search backend (modelsearch) matches with:

- every indexed word of a page, `title || body` of its search-index entry: a search for all the
  words of a query (clinic.search) compared each entry's concatenation (wagtail/wagtail#6546);
- a page's title in each language's text search configuration (clinic.search_backend): a search
  in titles only (`fields=["title"]`) computed `to_tsvector(title)` for every page.

SQLite's full-text index (FTS5) needs neither; MySQL's backend is not used here."""

from django.db import migrations

from clinic.search_backend import SEARCH_CONFIGS

INDEXES = [
    ("clinic_search_entry_words", "wagtailsearch_indexentry", '("title" || "body")'),
    *(
        (
            f"clinic_search_title_{language}",
            "wagtailcore_page",
            f"""to_tsvector('{config}'::regconfig, COALESCE("title", ''))""",
        )
        for language, config in sorted(SEARCH_CONFIGS.items())
    ),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, expression in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression})")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0010_testimonials_translatable"),
        ("wagtailcore", "0001_initial"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
