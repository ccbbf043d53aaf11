"""One migrated demo database per test session, copied for each multi-server scenario."""

import os

import pytest

from tests.booking.live_server import postgres_database, prepare_database

POSTGRES_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith(("postgres://", "postgresql://"))


@pytest.fixture(scope="session")
def demo_template():
    """The demo clinic, migrated once; `postgres_database(..., template=...)` copies it."""
    with postgres_database(POSTGRES_URL, "clinic_scale_template") as url:
        prepare_database(url)
        yield url
