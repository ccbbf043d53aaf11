"""Fixtures for the blog: an index under the test home page and an author."""

import pytest

from tests.factories import BlogIndexPageFactory, CareAreaFactory, PersonFactory


@pytest.fixture
def blog(home):
    return BlogIndexPageFactory(parent=home)


@pytest.fixture
def author(db):
    return PersonFactory(name="Ashley Kranz", credentials="PT, DPT", role="Founder")


@pytest.fixture
def hip(db):
    return CareAreaFactory(name="Hip", slug="hip", sort_order=1)


@pytest.fixture
def running(db):
    return CareAreaFactory(name="Running injuries", slug="running-injuries", sort_order=0)
