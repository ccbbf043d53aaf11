"""Wagtail's page explorer on a blog with thousands of articles (issue 16): what a listed page
costs does not depend on how many there are."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.clinic.test_query_budget import use_the_database_cache
from tests.factories import BlogIndexPageFactory, BlogPageFactory

# wagtail_localize.wagtail_hooks.page_listing_more_buttons, registered for every row's "More"
# menu: whether a locale is left to translate into, and the row's translation source.
WAGTAIL_LOCALIZE_QUERIES_PER_ROW = 2


@pytest.fixture
def blog(home, settings):
    use_the_database_cache(settings)  # as deployed without Redis: each cache read is a query
    return BlogIndexPageFactory(parent=home)


def add_articles(blog, start: int, count: int) -> None:
    for n in range(start, start + count):
        BlogPageFactory(parent=blog, slug=f"article-{n}")


def explorer(admin_client, blog) -> list[str]:
    url = f"/admin/pages/{blog.pk}/"
    admin_client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert admin_client.get(url).status_code == 200
    return [query["sql"] for query in captured]


def test_explorer_reads_the_site_root_paths_once_however_many_pages_it_lists(admin_client, blog):
    add_articles(blog, 0, 6)
    reads = [sql for sql in explorer(admin_client, blog) if "wagtail_site_root_paths" in sql]
    assert len(reads) <= 1


def test_explorer_grows_only_by_wagtail_localizes_buttons_per_listed_page(admin_client, blog):
    add_articles(blog, 0, 3)
    few = len(explorer(admin_client, blog))
    add_articles(blog, 3, 3)
    assert len(explorer(admin_client, blog)) - few == 3 * WAGTAIL_LOCALIZE_QUERIES_PER_ROW


@pytest.mark.xfail(
    strict=True,
    reason="wagtail-localize's row buttons (Translate this page, Sync translated pages) query twice "
    "per listed page; our code adds nothing per page (the test above)",
)
def test_explorer_queries_are_flat_in_the_number_of_children(admin_client, blog):
    add_articles(blog, 0, 3)
    few = len(explorer(admin_client, blog))
    add_articles(blog, 3, 3)
    assert len(explorer(admin_client, blog)) == few
