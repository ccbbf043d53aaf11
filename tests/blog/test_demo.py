"""The demo loader's blog: /blog/ with the imported hip-pain guide, and the Blog editors group."""

import io

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import TaskState, Workflow

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
    assert guide.reviewed_by.name == "Ashley Kranz"
    assert not BlogPage.objects.filter(pk=guide.pk).overdue_for_review(today=timezone.localdate()).exists()
    assert client.get("/blog/").status_code == 200
    assert client.get("/blog/category/hip/").status_code == 200


def test_demo_articles_are_marked_as_demo_copy(demo_site):
    # The guide and its Spanish translation are the clinic's own article.
    others = BlogPage.objects.exclude(slug__in=["hip-pain-in-runners", "dolor-de-cadera-en-corredores"])
    assert others.exists()
    assert all("demo" in page.title.lower() for page in others)
    assert all("demo copy" in page.intro.lower() for page in others)


def test_demo_creates_the_blog_editors_group_with_rights_on_the_blog(demo_site):
    group = Group.objects.get(name="Blog editors")
    # The blog in each language: Spanish articles are written and reviewed the same way.
    assert {p.page_id for p in group.page_permissions.all()} == set(
        BlogIndexPage.objects.values_list("pk", flat=True)
    )


def test_demo_creates_clinical_review_with_ashley_as_reviewer_and_the_guide_approved_by_her(demo_site):
    blog = BlogIndexPage.objects.get(locale__language_code="en")
    assert blog.get_workflow().name == "Clinical review"
    ashley = User.objects.get(username="ashley")
    assert list(ashley.groups.values_list("name", flat=True)) == ["Clinical reviewers"]
    assert not ashley.has_usable_password()
    assert ashley.team_member.name == "Ashley Kranz"
    guide = BlogPage.objects.get(slug="hip-pain-in-runners")
    approval = TaskState.objects.get(status=TaskState.STATUS_APPROVED)
    assert approval.finished_by == ashley
    assert guide.last_reviewed == timezone.localdate(approval.finished_at)
    assert guide.live_revision_id == approval.revision_id


def test_demo_guide_shows_its_real_reading_level(demo_site, admin_client):
    guide = BlogPage.objects.get(slug="hip-pain-in-runners")
    assert guide.reading_score == 8.8
    listing = admin_client.get(reverse("wagtailadmin_explore", args=[guide.get_parent().pk])).content.decode()
    assert "grade 8.8" in listing


def test_loading_the_demo_again_changes_nothing_in_review(demo_site):
    call_command("load_demo_content", stdout=io.StringIO())
    assert Group.objects.filter(name="Clinical reviewers").count() == 1
    assert Workflow.objects.filter(name="Clinical review").count() == 1
    assert User.objects.filter(username="ashley").count() == 1
    assert TaskState.objects.count() == 1
