"""The demo loader's blog: /blog/ with the imported hip-pain guide, and the Blog editors group."""

from django.contrib.auth.models import Group
from django.utils import timezone

from blog.models import BlogIndexPage, BlogPage


def test_demo_publishes_the_guide_under_the_blog(demo_site, client):
    guide = BlogPage.objects.get(slug="hip-pain-in-runners")
    assert guide.live
    assert guide.latest_revision is not None
    assert guide.url == "/blog/hip-pain-in-runners/"
    assert guide.title == "Hip Pain in Runners: Causes, Prevention, and Recovery Tips"
    assert guide.author.name == "Ashley Kranz"
    assert [area.slug for area in guide.sorted_categories] == ["running-injuries", "hip"]
    assert guide.main_category.slug == "hip"
    assert guide.reviewed_by is not None
    assert not BlogPage.objects.filter(pk=guide.pk).overdue_for_review(today=timezone.localdate()).exists()
    assert client.get("/blog/").status_code == 200
    assert client.get("/blog/category/hip/").status_code == 200


def test_demo_articles_are_marked_as_demo_copy(demo_site):
    others = BlogPage.objects.exclude(slug="hip-pain-in-runners")
    assert others.exists()
    assert all("demo" in page.title.lower() for page in others)
    assert all("demo copy" in page.intro.lower() for page in others)


def test_demo_creates_the_blog_editors_group_with_rights_on_the_blog(demo_site):
    group = Group.objects.get(name="Blog editors")
    assert {p.page_id for p in group.page_permissions.all()} == {BlogIndexPage.objects.get().pk}
