"""One migrated demo database per test session, copied for each multi-server scenario, and the
installation of docs/deployment.md (nginx, Varnish, two gunicorn instances...), started once."""

import pytest

from tests.booking.live_server import POSTGRES_URL, postgres_database, prepare_database
from tests.scale.cluster import installation


@pytest.fixture(scope="session")
def demo_template():
    """The demo clinic, migrated once; `postgres_database(..., template=...)` copies it."""
    with postgres_database(POSTGRES_URL, "clinic_scale_template") as url:
        prepare_database(url)
        yield url


@pytest.fixture(scope="session")
def cluster(tmp_path_factory, demo_template):
    """nginx -> Varnish -> two gunicorn instances on PostgreSQL, Redis and SeaweedFS, for every test
    of the session that uses it (tests change content: each works on pages of its own or
    checks what it changed, whatever ran before)."""
    with installation(tmp_path_factory.mktemp("scale"), demo_template) as running:
        yield running
