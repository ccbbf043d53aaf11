"""Wagtail's page explorer on a blog with thousands of articles (issue 16): what a listed page
costs does not depend on how many there are, and each row keeps wagtail-localize's translation
buttons (clinic/explorer.py decides them in the listing's query)."""

import pytest
from wagtail_localize.models import Translation, TranslationSource

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.models import Locale, Page

from clinic import explorer as explorer_hooks
from clinic.demo import ensure_translation
from tests.clinic.test_query_budget import use_the_database_cache
from tests.factories import BlogIndexPageFactory, BlogPageFactory


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


def test_explorer_queries_are_flat_in_the_number_of_children(admin_client, blog):
    add_articles(blog, 0, 3)
    few = len(explorer(admin_client, blog))
    add_articles(blog, 3, 3)
    assert len(explorer(admin_client, blog)) == few


@pytest.fixture
def translations(blog, home, admin_user):
    """Articles in every state the translation buttons tell apart: untranslated; translated into
    the one other language by copying (no translation source); the source of an enabled
    translation; the source of a disabled one."""
    spanish = Locale.objects.get_or_create(language_code="es")[0]
    ensure_translation(home, log=print)
    ensure_translation(blog, log=print)
    untranslated, copied, synced, paused = (BlogPageFactory(parent=blog, slug=slug) for slug in SLUGS)
    ensure_translation(copied, log=print)
    for page, enabled in ((synced, True), (paused, False)):
        source, _ = TranslationSource.get_or_create_from_instance(page)
        Translation.objects.create(source=source, target_locale=spanish, enabled=enabled)
    return {"untranslated": untranslated, "copied": copied, "synced": synced, "paused": paused}


SLUGS = ("untranslated", "copied", "synced", "paused")


def test_each_row_has_the_translation_buttons_wagtail_localize_would_give_it(blog, translations, admin_user):
    rows = explorer_hooks.with_translation_buttons(Page.objects.child_of(blog))
    for page in rows:
        ours = [(b.label, b.url) for b in explorer_hooks.row_buttons(page, admin_user, next_url="/back/")]
        plain = Page.objects.get(pk=page.pk)
        theirs = [
            (b.label, b.url)
            for b in explorer_hooks.LOCALIZE_ROW_BUTTONS(plain, admin_user, next_url="/back/")
        ]
        assert ours == theirs, page.slug
    labels = {page.slug: [b.label for b in explorer_hooks.row_buttons(page, admin_user)] for page in rows}
    assert labels == {
        "untranslated": ["Translate this page"],
        "copied": [],
        "synced": ["Translate this page", "Sync translated pages"],
        "paused": ["Translate this page"],
    }


def test_explorer_shows_each_rows_translation_buttons_once(admin_client, blog, translations):
    html = admin_client.get(f"/admin/pages/{blog.pk}/").content.decode()
    for slug, page in translations.items():
        translate = reverse("wagtail_localize:submit_page_translation", args=[page.pk])
        assert html.count(f'href="{translate}"') == (0 if slug == "copied" else 1), slug
    source = TranslationSource.objects.get(object_id=translations["synced"].translation_key)
    assert html.count(reverse("wagtail_localize:update_translations", args=[source.pk])) == 1
