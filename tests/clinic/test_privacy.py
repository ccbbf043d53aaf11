"""Private and unpublished pages stay hidden however they are reached: a password or a sign-in on
the page or on a page above it, through an alias, in lists, and a draft never shows."""

import pytest

from wagtail.models import Page, PageViewRestriction

from blog.models import BlogPage
from tests.factories import BlogIndexPageFactory, BlogPageFactory, StandardPageFactory


@pytest.fixture
def blog(home):
    return BlogIndexPageFactory(parent=home)


def restrict(page, kind: str = "password") -> PageViewRestriction:
    return PageViewRestriction.objects.create(page=page, restriction_type=kind, password="open-sesame")


def test_password_protected_article_asks_for_the_password(client, blog):
    article = BlogPageFactory(parent=blog, slug="secret", title="Secret article")
    restrict(article)
    response = client.get("/blog/secret/")
    assert response.status_code == 200
    assert b"Secret article" not in response.content
    assert b'name="password"' in response.content


def test_password_protected_article_is_never_stored_in_a_cache(client, blog):
    restrict(BlogPageFactory(parent=blog, slug="secret"))
    assert "no-cache" in client.get("/blog/secret/")["Cache-Control"]


def test_article_shows_once_the_right_password_is_given(client, blog):
    article = BlogPageFactory(parent=blog, slug="secret", title="Secret article")
    restriction = restrict(article)
    client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{article.pk}/",
        {"password": "open-sesame", "return_url": "/blog/secret/"},
    )
    assert b"Secret article" in client.get("/blog/secret/").content


def test_sign_in_only_article_sends_a_visitor_to_sign_in(client, blog):
    restrict(BlogPageFactory(parent=blog, slug="members"), kind="login")
    response = client.get("/blog/members/")
    assert response.status_code == 302
    assert "next=/blog/members/" in response["Location"]


def test_article_under_a_private_blog_is_private(client, blog):
    BlogPageFactory(parent=blog, slug="inside", title="Inside article")
    restrict(blog)
    response = client.get("/blog/inside/")
    assert b"Inside article" not in response.content
    assert b'name="password"' in response.content


def test_listing_routes_of_a_private_blog_are_private(client, blog):
    BlogPageFactory(parent=blog, slug="inside", title="Inside article", tags=["common"])
    restrict(blog)
    response = client.get("/blog/tag/common/")
    assert b"Inside article" not in response.content
    assert b'name="password"' in response.content


def test_page_under_a_private_page_is_private(client, home):
    parent = StandardPageFactory(parent=home, slug="staff")
    StandardPageFactory(parent=parent, slug="rota", title="Weekend rota")
    restrict(parent, kind="login")
    assert client.get("/staff/rota/").status_code == 302


def test_alias_of_a_private_page_is_private(client, home):
    source = StandardPageFactory(parent=home, slug="original", title="Private notes")
    restrict(source)
    source.create_alias(parent=home, update_slug="copy")
    # Wagtail copies the restriction onto the alias; the source's own is what applies.
    PageViewRestriction.objects.exclude(page=source).delete()
    response = client.get("/copy/")
    assert b"Private notes" not in response.content
    assert b'name="password"' in response.content


def test_alias_under_a_private_page_is_private(client, home):
    source = StandardPageFactory(parent=home, slug="original")
    StandardPageFactory(parent=source, slug="child", title="Child notes")
    restrict(source)
    source.create_alias(parent=home, update_slug="copy", recursive=True)
    PageViewRestriction.objects.exclude(page=source).delete()
    response = client.get("/copy/child/")
    assert b"Child notes" not in response.content
    assert b'name="password"' in response.content


def test_private_article_is_not_offered_as_related(client, blog):
    BlogPageFactory(parent=blog, slug="shown", title="Shown article", tags=["common"])
    restrict(BlogPageFactory(parent=blog, slug="hidden", title="Hidden article", tags=["common"]))
    response = client.get("/blog/shown/")
    assert b"Hidden article" not in response.content


def test_public_articles_are_the_ones_wagtail_calls_public(blog):
    shown = BlogPageFactory(parent=blog, slug="shown")
    restrict(BlogPageFactory(parent=blog, slug="hidden"))
    assert list(BlogPage.objects.public()) == [shown]
    assert list(Page.objects.type(BlogPage).public().specific()) == [shown]


def test_no_article_under_a_private_blog_is_public(blog):
    BlogPageFactory(parent=blog, slug="inside")
    restrict(blog)
    assert not BlogPage.objects.public().exists()
    assert not Page.objects.type(BlogPage).public().exists()


def test_unpublished_article_is_not_found(client, blog):
    BlogPageFactory(parent=blog, slug="draft", live=False)
    assert client.get("/blog/draft/").status_code == 404


def test_article_with_a_newer_draft_shows_what_was_published(client, blog):
    article = BlogPageFactory(parent=blog, slug="live", title="Published title")
    article.title = "Draft title"
    article.save_revision()
    response = client.get("/blog/live/")
    assert b"Published title" in response.content
    assert b"Draft title" not in response.content
