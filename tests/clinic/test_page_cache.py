"""The page cache: anonymous pages come from the cache, every content change invalidates them,
and nothing personal or with a form is ever stored."""

import io
import re
from pathlib import Path

import pytest

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import URLResolver, get_resolver

from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction, get_page_models

from clinic import page_cache
from tests.factories import (
    BlogIndexPageFactory,
    BlogPageFactory,
    CareAreaFactory,
    DiscoveryVisitPageFactory,
    ImageFactory,
    PersonFactory,
    StandardPageFactory,
    TestimonialFactory,
)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def blog(home):
    return BlogIndexPageFactory(parent=home)


@pytest.fixture
def article(blog):
    return BlogPageFactory(parent=blog, title="Hip pain in runners", slug="hip-pain")


def cached_twice(client, url: str):
    client.get(url)
    return client.get(url)


# Served from the cache


def test_a_second_anonymous_get_is_served_from_the_cache(client, home):
    client.get("/")
    assert client.get("/").headers["X-Page-Cache"] == "hit"


def test_a_cached_page_is_the_page_as_rendered(client, home, clinic_settings):
    first = client.get("/")
    assert client.get("/").content == first.content


def test_a_cached_page_costs_no_database_query(client, home, clinic_settings, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(0):
        client.get("/")


def test_a_cached_page_keeps_the_security_headers(client, home):
    response = cached_twice(client, "/")
    assert "Content-Security-Policy" in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_each_query_string_is_cached_on_its_own(client, home, blog, article):
    client.get("/search/?q=hip")
    assert "Hip pain in runners" not in client.get("/search/?q=knee").content.decode()


# Query strings: only the parameters a page reads make an entry of their own


def test_a_parameter_the_page_does_not_read_is_served_from_the_pages_entry(client, home):
    client.get("/")
    assert client.get("/?utm_source=newsletter&fbclid=abc").headers["X-Page-Cache"] == "hit"


def test_a_hundred_tracking_parameters_render_the_page_once(client, blog, article):
    responses = [client.get(f"/blog/?utm_source={n}") for n in range(100)]
    assert [r.headers["X-Page-Cache"] for r in responses].count("miss") == 1


def test_a_list_parameter_on_a_page_without_a_list_is_ignored(client, home, article):
    client.get("/blog/hip-pain/")
    assert client.get("/blog/hip-pain/?page=7").headers["X-Page-Cache"] == "hit"


def test_each_page_of_the_blog_list_is_cached_on_its_own(client, blog):
    for n in range(12):
        BlogPageFactory(parent=blog, title=f"Article {n:02}", slug=f"article-{n}")
    first = client.get("/blog/").content
    second = client.get("/blog/?page=2")
    assert second.headers["X-Page-Cache"] == "miss"
    assert second.content != first


def test_a_page_of_the_blog_list_ignores_tracking_parameters(client, blog, article):
    client.get("/blog/?page=2")
    assert client.get("/blog/?utm_campaign=spring&page=2").headers["X-Page-Cache"] == "hit"


def test_the_blog_list_is_served_from_the_cache_after_its_second_page(client, blog, article):
    client.get("/blog/?page=2")
    client.get("/blog/")
    assert client.get("/blog/").headers["X-Page-Cache"] == "hit"


def test_search_results_ignore_the_order_of_the_parameters(client, home, article):
    client.get("/search/?q=hip&page=1")
    assert client.get("/search/?page=1&q=hip&gclid=x").headers["X-Page-Cache"] == "hit"


def test_a_view_that_names_no_parameters_is_keyed_on_the_whole_query_string(client, home):
    client.get("/robots.txt")
    assert client.get("/robots.txt?anything=1").headers.get("X-Page-Cache") == "miss"


def our_page_models():
    return [model for model in get_page_models() if model._meta.app_label in {"clinic", "blog", "booking"}]


def test_every_page_type_names_the_query_parameters_it_reads():
    assert [model.__name__ for model in our_page_models() if model.cache_query_parameters is None] == []


def declared_query_parameters(patterns=None) -> set[str]:
    """Every query parameter a page type or a view of the URLconf says it reads."""
    if patterns is None:
        return {name for model in our_page_models() for name in model.cache_query_parameters} | (
            declared_query_parameters(get_resolver().url_patterns)
        )
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= declared_query_parameters(pattern.url_patterns)
        else:
            names |= set(getattr(pattern.callback, "cache_query_parameters", ()))
    return names


def test_varnish_keeps_exactly_the_query_parameters_the_site_reads():
    vcl = (Path(__file__).resolve().parents[2] / "deploy" / "varnish.vcl").read_text()
    kept = re.search(r"\(\?!\(\?:([a-z|]+)\)", vcl).group(1).split("|")
    assert sorted(kept) == sorted(declared_query_parameters())


def test_a_response_that_varies_by_a_request_header_is_never_stored():
    response = HttpResponse("hello")
    response["Vary"] = "Accept-Language, Cookie"
    assert page_cache._cacheable_response(view_request(), response) is False


def test_a_response_that_varies_by_cookie_only_is_stored():
    response = HttpResponse("hello")
    response["Vary"] = "Cookie"
    assert page_cache._cacheable_response(view_request(), response) is True


def test_each_host_is_cached_on_its_own(client, home):
    client.get("/", HTTP_HOST="localhost")
    assert client.get("/", HTTP_HOST="127.0.0.1").headers.get("X-Page-Cache") == "miss"


def test_a_head_request_is_answered_from_the_cached_get(client, home):
    client.get("/")
    response = client.head("/")
    assert response.headers["X-Page-Cache"] == "hit"
    assert response.content == b""


@override_settings(PAGE_CACHE_SECONDS=0)
def test_zero_seconds_turns_the_page_cache_off(client, home):
    assert "X-Page-Cache" not in cached_twice(client, "/").headers


# Invalidated by every change that can show on another page


def test_publishing_an_article_shows_it_on_the_cached_index(client, blog):
    client.get("/blog/")
    draft = BlogPageFactory(parent=blog, title="Knee pain after long runs", live=False)
    draft.save_revision().publish()
    assert "Knee pain after long runs" in client.get("/blog/").content.decode()


def test_unpublishing_an_article_removes_it_from_the_cached_index(client, article):
    client.get("/blog/")
    article.unpublish()
    assert "Hip pain in runners" not in client.get("/blog/").content.decode()


def test_moving_a_page_refreshes_cached_pages(client, home, article):
    other = StandardPageFactory(parent=home, title="Resources", slug="resources")
    client.get("/blog/")
    article.move(other, pos="last-child")
    assert "Hip pain in runners" not in client.get("/blog/").content.decode()


def test_deleting_a_page_removes_it_from_cached_pages(client, article):
    client.get("/blog/")
    article.delete()
    assert "Hip pain in runners" not in client.get("/blog/").content.decode()


def test_making_a_cached_page_private_stops_serving_it(client, article):
    cached_twice(client, article.url)
    PageViewRestriction.objects.create(page=article, restriction_type="password", password="x")
    response = client.get(article.url)
    assert "Hip pain in runners" not in response.content.decode()
    assert 'name="password"' in response.content.decode()


def test_making_an_article_private_removes_it_from_the_cached_index(client, article):
    client.get("/blog/")
    PageViewRestriction.objects.create(page=article, restriction_type="login")
    assert "Hip pain in runners" not in client.get("/blog/").content.decode()


def test_making_an_article_public_again_lists_it_on_the_cached_index(client, article):
    restriction = PageViewRestriction.objects.create(page=article, restriction_type="login")
    client.get("/blog/")
    restriction.delete()
    assert "Hip pain in runners" in client.get("/blog/").content.decode()


def test_publishing_a_new_revision_refreshes_the_page_itself(client, article):
    client.get(article.url)
    article.title = "Hip pain in runners, revised"
    article.save_revision().publish()
    assert "Hip pain in runners, revised" in client.get(article.url).content.decode()


def test_changing_a_team_member_refreshes_cached_pages(client, home, clinic_settings):
    person = PersonFactory(name="Ashley Kranz", credentials="PT, DPT")
    client.get("/")
    person.name = "Ashley Kranz-Rivera"
    person.save()
    assert "Ashley Kranz-Rivera" in client.get("/").content.decode()


def test_deleting_a_testimonial_removes_it_from_cached_pages(client, home, clinic_settings):
    testimonial = TestimonialFactory(quote="Ran my marathon pain-free.")
    client.get("/")
    testimonial.delete()
    assert "Ran my marathon pain-free." not in client.get("/").content.decode()


def test_adding_a_care_area_invalidates_cached_pages(client, home):
    client.get("/")
    CareAreaFactory(name="Shoulder", slug="shoulder")
    assert client.get("/").headers["X-Page-Cache"] == "miss"


def test_changing_clinic_settings_refreshes_the_phone_number_on_cached_pages(client, home, clinic_settings):
    client.get("/")
    clinic_settings.phone = "(954) 555-0199"
    clinic_settings.save()
    assert "(954) 555-0199" in client.get("/").content.decode()


def test_changing_an_image_invalidates_cached_pages(client, home):
    image = ImageFactory()
    client.get("/")
    image.title = "A new description"
    image.save()
    assert client.get("/").headers["X-Page-Cache"] == "miss"


def test_changing_a_document_invalidates_cached_pages(client, home):
    document = Document.objects.create(title="Exercises", file=ContentFile(b"Bridges", name="sheet.txt"))
    client.get("/")
    document.title = "Hip exercises"  # pages show a document's title and link
    document.save()
    assert client.get("/").headers["X-Page-Cache"] == "miss"


def test_saving_a_draft_leaves_cached_pages_alone(client, article):
    client.get("/blog/")
    article.title = "Unpublished working title"
    article.save_revision()
    assert client.get("/blog/").headers["X-Page-Cache"] == "hit"


def test_content_changed_is_sent_for_a_front_cache_to_purge(article):
    reasons = []

    def receiver(sender, reason, **kwargs):
        reasons.append(reason)

    page_cache.content_changed.connect(receiver)
    try:
        article.unpublish()
    finally:
        page_cache.content_changed.disconnect(receiver)
    assert len(reasons) == 1


# Never cached


def test_the_booking_page_is_never_cached(client, home, clinic_settings):
    DiscoveryVisitPageFactory(parent=home)
    assert "X-Page-Cache" not in cached_twice(client, "/book/").headers


def test_the_booking_page_form_token_is_fresh_on_every_visit(client, home, clinic_settings):
    DiscoveryVisitPageFactory(parent=home)
    first = client.get("/book/").content
    assert client.get("/book/").content != first


def test_the_admin_is_never_cached(admin_client, home):
    assert "X-Page-Cache" not in cached_twice(admin_client, "/admin/").headers


def test_a_logged_in_editor_never_gets_or_fills_the_cache(client, admin_user, home):
    client.get("/")
    client.force_login(admin_user)
    assert "X-Page-Cache" not in client.get("/").headers


def test_a_page_seen_by_a_logged_in_editor_is_not_stored_for_visitors(client, admin_user, home):
    client.force_login(admin_user)
    client.get("/")
    client.logout()
    assert client.get("/").headers["X-Page-Cache"] == "miss"


def test_a_not_found_page_is_never_cached(client, home):
    assert "X-Page-Cache" not in cached_twice(client, "/no-such-page/").headers


def test_a_page_preview_is_never_cached(admin_client, article):
    url = f"/admin/pages/{article.pk}/edit/preview/"
    assert "X-Page-Cache" not in cached_twice(admin_client, url).headers


def test_healthz_is_never_cached(client, db):
    assert "X-Page-Cache" not in cached_twice(client, "/healthz").headers


def view_request(path="/"):
    request = RequestFactory().get(path)
    request.META.pop("CSRF_COOKIE_NEEDS_UPDATE", None)
    return request


def test_a_response_that_sets_a_cookie_is_never_stored():
    response = HttpResponse("hello")
    response.set_cookie("choice", "1")
    assert page_cache._cacheable_response(view_request(), response) is False


def test_a_response_with_a_csrf_token_is_never_stored():
    response = HttpResponse('<input type="hidden" name="csrfmiddlewaretoken" value="x">')
    assert page_cache._cacheable_response(view_request(), response) is False


@pytest.mark.parametrize("cache_control", ["private", "no-cache", "no-store, must-revalidate"])
def test_a_response_marked_private_or_no_cache_is_never_stored(cache_control):
    response = HttpResponse("hello", headers={"Cache-Control": cache_control})
    assert page_cache._cacheable_response(view_request(), response) is False


# The main menu, kept in the shared cache under the same generation


@override_settings(PAGE_CACHE_SECONDS=0)
def test_the_cached_menu_shows_a_page_published_for_menus(client, home):
    client.get("/")
    draft = StandardPageFactory(parent=home, title="Our team", slug="team", show_in_menus=True, live=False)
    draft.save_revision().publish()
    assert ">Our team</a>" in client.get("/").content.decode()


@override_settings(PAGE_CACHE_SECONDS=0)
def test_the_cached_menu_drops_an_unpublished_page(client, home):
    page = StandardPageFactory(parent=home, title="Our team", slug="team", show_in_menus=True)
    client.get("/")
    page.unpublish()
    assert ">Our team</a>" not in client.get("/").content.decode()


def test_the_invalidate_caches_command_makes_every_cached_page_stale(client, home):
    client.get("/")
    call_command("invalidate_caches", stdout=io.StringIO())
    assert client.get("/").headers["X-Page-Cache"] == "miss"
