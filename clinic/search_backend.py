"""Wagtail's database search backend, stemming each page in its own language on PostgreSQL.

PostgreSQL's full-text search turns words into stems with a text search configuration
("corredores" and "corredor" both become "corredor" with `spanish`, not with `english`). Wagtail's
backend has one configuration for everything; here a page is indexed with its locale's, and a
search is made with the configuration of the language the visitor is searching in (the page's:
/es/search/ searches in Spanish). SQLite's and MySQL's backends have no stemming configurations
and are used as they are."""

from collections import defaultdict

from modelsearch.backends.database import SearchBackend as database_backend

from django.conf import settings
from django.db import connection
from django.utils import translation

# PostgreSQL's text search configuration for each language (`\dF` lists them).
SEARCH_CONFIGS = {"en": "english", "es": "spanish"}


def _language(code: str | None) -> str:
    return (code or settings.LANGUAGE_CODE).split("-")[0]


def search_config() -> str:
    """The configuration for the active language: what a search is made with."""
    return SEARCH_CONFIGS.get(_language(translation.get_language()), "simple")


def SearchBackend(params):  # noqa: N802 - Wagtail calls the backend module's SearchBackend
    if connection.vendor != "postgresql":
        return database_backend(params)
    return _postgres_backend_class()(params)


def _postgres_backend_class():
    from modelsearch.backends.database.postgres.postgres import (  # noqa: PLC0415 - PostgreSQL only
        PostgresIndex,
        PostgresSearchBackend,
    )

    class LanguageIndex(PostgresIndex):
        def add_items(self, model, objs):
            """Each object is indexed with its own language's configuration."""
            languages = {}
            by_language = defaultdict(list)
            for obj in objs:
                locale_id = getattr(obj, "locale_id", None)
                if locale_id is not None and locale_id not in languages:
                    languages[locale_id] = obj.locale.language_code
                by_language[_language(languages.get(locale_id))].append(obj)
            for language, group in by_language.items():
                with translation.override(language):
                    super().add_items(model, group)

    class LanguagePostgresSearchBackend(PostgresSearchBackend):
        index_class = LanguageIndex

        @property
        def config(self):
            return search_config()

        @config.setter
        def config(self, value):
            pass  # SEARCH_CONFIG is replaced by SEARCH_CONFIGS

    return LanguagePostgresSearchBackend
