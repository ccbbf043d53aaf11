"""The fragment cache: an article's rendered parts and the footer are reused between requests (with
the page cache off, for staff, for visitors with a session) and are exactly as fresh as the page
cache: every content change that can show in them starts a new generation."""

import pytest

from django.apps import apps
from django.core.cache import cache
from django.urls import reverse

from wagtail.models import Site

from blog.models import ARTICLES_PER_PAGE
from clinic import page_cache
from tests.admin_forms import form_data
from tests.factories import (
    BlogIndexPageFactory,
    BlogPageFactory,
    CareAreaFactory,
    PersonFactory,
    StandardPageFactory,
)


@pytest.fixture(autouse=True)
def fragments_on(settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 60


@pytest.fixture
def hip(db):
    return CareAreaFactory(name="Hip", slug="hip")


@pytest.fixture
def blog(home):
    return BlogIndexPageFactory(parent=home)


@pytest.fixture
def author(db):
    return PersonFactory(name="Ashley Kranz", credentials="PT, DPT")


@pytest.fixture
def article(blog, hip, author, clinic_settings):
    return BlogPageFactory(
        parent=blog, title="Hip pain in runners", slug="hip-pain", author=author, categories=[hip]
    )


def read_twice(client, url: str, **headers) -> str:
    first = client.get(url, **headers).content.decode()
    second = client.get(url, **headers).content.decode()
    assert second == first
    return second


def test_a_second_view_of_an_article_reuses_its_rendered_parts(client, article, django_assert_num_queries):
    client.get(article.url)
    # The index and the article (routing: the site and home page come with the generation) and the
    # view restrictions; not the categories, tags, related articles or renditions.
    with django_assert_num_queries(3):
        response = client.get(article.url)
    assert "Hip pain in runners" in response.content.decode()


def test_the_fragments_hold_what_the_uncached_article_shows(client, settings, article):
    settings.FRAGMENT_CACHE_SECONDS = 0
    uncached = client.get(article.url).content.decode()
    settings.FRAGMENT_CACHE_SECONDS = 60
    client.get(article.url)
    assert client.get(article.url).content.decode() == uncached


def test_zero_seconds_turns_the_fragment_cache_off(client, settings, article):
    settings.FRAGMENT_CACHE_SECONDS = 0
    client.get(article.url)
    generation = page_cache.current_generation()
    assert cache.get(f"fragment:{generation}:testserver:article:{article.pk}") is None


def test_a_signed_in_editor_gets_the_rendered_parts_too(admin_client, article, django_assert_num_queries):
    admin_client.get(article.url)
    # The session, the user and the userbar's checks (4) and routing (3); rendering the parts
    # again would take 5 more (categories, tags, related articles, renditions, the body's images).
    with django_assert_num_queries(7):
        response = admin_client.get(article.url)
    assert "Hip pain in runners" in response.content.decode()


def test_a_second_view_of_the_blog_index_reuses_its_list(client, article, django_assert_num_queries):
    client.get("/blog/")
    # Routing (the index as a page, then as itself) and the view restrictions: no count, no list.
    with django_assert_num_queries(3):
        response = client.get("/blog/")
    assert "Hip pain in runners" in response.content.decode()


def test_each_page_of_a_list_and_each_category_is_kept_apart(client, blog, hip, article):
    knee = CareAreaFactory(name="Knee", slug="knee")
    for number in range(ARTICLES_PER_PAGE):
        BlogPageFactory(parent=blog, title=f"Knee article {number}", categories=[knee])
    first, second = read_twice(client, "/blog/"), read_twice(client, "/blog/?page=2")
    assert "Hip pain in runners" not in first  # the oldest: on page 2
    assert "Hip pain in runners" in second
    assert "Knee article 0" not in read_twice(client, "/blog/category/hip/")
    assert "Hip pain in runners" not in read_twice(client, "/blog/category/knee/")
    assert client.get("/blog/?page=99").content.decode() == second  # past the end: the last page


# As fresh as the page cache


def test_a_newly_published_article_shows_on_the_index(client, blog, article):
    read_twice(client, "/blog/")
    draft = BlogPageFactory(parent=blog, title="Knee pain after long runs", live=False)
    draft.save_revision().publish()
    assert "Knee pain after long runs" in client.get("/blog/").content.decode()


def test_a_new_site_for_a_host_name_is_seen_on_the_next_request(client, home, article):
    read_twice(client, "/", HTTP_HOST="127.0.0.1")  # the default site, looked up and kept
    other_home = StandardPageFactory(parent=home, title="Staging home", slug="staging")
    Site.objects.create(hostname="127.0.0.1", port=80, root_page=other_home)
    assert "<h1>Staging home</h1>" in client.get("/", HTTP_HOST="127.0.0.1").content.decode()


def test_publishing_a_new_revision_shows_on_the_article(client, article):
    read_twice(client, article.url)
    article.title = "Hip pain in runners, revised"
    article.body = [("paragraph", "<p>Newly written advice on cadence.</p>")]
    article.save_revision().publish()
    html = client.get(article.url).content.decode()
    assert "Hip pain in runners, revised" in html
    assert "Newly written advice on cadence." in html


def test_a_newly_published_article_shows_among_related_articles(client, blog, hip, article):
    read_twice(client, article.url)
    draft = BlogPageFactory(parent=blog, title="Knee pain after long runs", categories=[hip], live=False)
    draft.save_revision().publish()
    assert "Knee pain after long runs" in client.get(article.url).content.decode()


def test_an_unpublished_article_leaves_related_articles(client, blog, hip, article):
    other = BlogPageFactory(parent=blog, title="Knee pain after long runs", categories=[hip])
    assert "Knee pain after long runs" in read_twice(client, article.url)
    other.unpublish()
    assert "Knee pain after long runs" not in client.get(article.url).content.decode()


def test_renaming_the_author_shows_in_the_byline_and_structured_data(client, article, author):
    read_twice(client, article.url)
    author.name = "Ashley Kranz-Rivera"
    author.save()
    html = client.get(article.url).content.decode()
    assert 'By <a href="#about-the-author">Ashley Kranz-Rivera, PT, DPT</a>' in html
    assert '"name":"Ashley Kranz-Rivera"' in html


def test_a_new_clinic_phone_number_shows_in_the_article_and_footer(client, article, clinic_settings):
    read_twice(client, article.url)
    clinic_settings.phone = "(954) 555-0199"
    clinic_settings.save()
    html = client.get(article.url).content.decode()
    assert html.count("tel:+19545550199") >= 3  # header banner, booking panel, footer
    assert "tel:+19545195404" not in html


def test_a_renamed_category_shows_on_the_article(client, article, hip):
    read_twice(client, article.url)
    hip.name = "Hip and groin"
    hip.save()
    assert ">Hip and groin</a>" in client.get(article.url).content.decode()


def test_a_deployed_release_starts_a_new_generation(db):
    """`migrate` runs on every deploy (docs/deployment.md): fragments rendered by the previous
    release's templates are not reused."""
    before = page_cache.current_generation()
    page_cache._migrated(sender=apps.get_app_config("blog"))
    assert page_cache.current_generation() == before  # one new generation per migrate, not one per app
    page_cache._migrated(sender=apps.get_app_config("clinic"))
    assert page_cache.current_generation() != before


# Never for unsaved content


def test_a_preview_neither_reads_nor_fills_the_fragments(client, admin_client, article):
    read_twice(client, article.url)
    edit = reverse("wagtailadmin_pages:edit", args=[article.pk])
    preview = reverse("wagtailadmin_pages:preview_on_edit", args=[article.pk])
    data = form_data(
        admin_client,
        edit,
        form_id="page-edit-form",
        streams={"body": [("heading", {"text": "A heading still in draft", "level": "h2"})]},
    )
    assert admin_client.post(preview, data).json()["is_valid"]
    assert "A heading still in draft" in admin_client.get(preview).content.decode()
    assert "A heading still in draft" not in client.get(article.url).content.decode()
