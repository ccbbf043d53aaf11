"""Staff write, schedule and review articles in the Wagtail admin; blog editors can do only that."""

import io
import re
from datetime import date, timedelta

import pytest

from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import GroupPagePermission, Revision, Site

from blog.models import BlogPage
from blog.services import BLOG_EDITORS, blog_editors_group_ensure
from clinic.models import ClinicSettings
from tests.admin_forms import form_data
from tests.factories import BlogPageFactory, ImageFactory, StandardPageFactory


@pytest.fixture
def blog_editor(blog, django_user_model):
    blog_editors_group_ensure(index_page=blog)
    user = django_user_model.objects.create_user(username="writer", password="pw-writer")
    user.groups.add(Group.objects.get(name=BLOG_EDITORS))
    return user


def add_url(blog):
    return reverse("wagtailadmin_pages:add", args=["blog", "blogpage", blog.pk])


def article_form(client, url, author, category):
    data = form_data(
        client,
        url,
        form_id="page-edit-form",
        streams={"body": [("heading", {"text": "Why it hurts", "level": "h2"})]},
    )
    data.update(
        {
            "title": "Shin splints",
            "slug": "shin-splints",
            "intro": "What shin splints are and how to get rid of them.",
            "author": str(author.pk),
            "date": "2026-05-01",
            "categories": [str(category.pk)],
            "tags": "shins, beginners",
        }
    )
    return data


def test_blog_editor_writes_and_submits_an_article_for_review(client, blog, blog_editor, author, hip):
    client.force_login(blog_editor)
    data = article_form(client, add_url(blog), author, hip)
    data["action-submit"] = "action-submit"
    response = client.post(add_url(blog), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = BlogPage.objects.get(slug="shin-splints")
    assert not article.live  # a clinical reviewer's approval publishes it (test_clinical_review.py)
    assert article.latest_revision.user == blog_editor
    assert article.current_workflow_state.requested_by == blog_editor
    draft = article.get_latest_revision_as_object()
    assert [area.pk for area in draft.categories.all()] == [hip.pk]
    assert sorted(tag.name for tag in draft.tags.all()) == ["beginners", "shins"]
    assert draft.date.isoformat() == "2026-05-01"


def test_hero_image_without_alt_text_is_refused_in_the_admin(admin_client, blog, author, hip):
    data = article_form(admin_client, add_url(blog), author, hip)
    data.update({"hero_image": str(ImageFactory().pk), "hero_alt": "", "action-publish": "action-publish"})
    response = admin_client.post(add_url(blog), data)
    assert response.status_code == 200
    assert "Describe the image" in response.content.decode()
    assert not BlogPage.objects.exists()


def test_blog_editor_cannot_change_clinic_settings_or_other_pages(client, blog, blog_editor, home):
    about = StandardPageFactory(parent=home, slug="about")
    client.force_login(blog_editor)
    site = Site.objects.get(is_default_site=True)
    settings_url = reverse("wagtailsettings:edit", args=["clinic", "clinicsettings", site.pk])
    assert client.get(settings_url).status_code in (302, 403)
    assert client.post(settings_url, {"phone": "(305) 555-0134"}).status_code in (302, 403)
    assert ClinicSettings.objects.get().phone == "(954) 519-5404"
    assert client.get(reverse("wagtailadmin_pages:edit", args=[about.pk])).status_code in (302, 403)
    assert not blog_editor.has_perm("clinic.change_clinicsettings")


def test_blog_editors_group_holds_only_admin_access_and_image_permissions(blog, blog_editor):
    group = Group.objects.get(name=BLOG_EDITORS)
    assert {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()} == {
        "wagtailadmin.access_admin"
    }
    # No publish_page: only a clinical reviewer's approval publishes.
    assert {p.permission.codename for p in group.page_permissions.all()} == {"add_page", "change_page"}
    assert {p.page_id for p in group.page_permissions.all()} == {blog.pk}
    blog_editors_group_ensure(index_page=blog)  # again: nothing is duplicated
    assert group.page_permissions.count() == 2


def test_blog_editors_lose_a_publish_permission_they_had_before_review_existed(blog, blog_editor):
    group = Group.objects.get(name=BLOG_EDITORS)
    publish = Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page")
    GroupPagePermission.objects.create(group=group, page=blog, permission=publish)
    blog_editors_group_ensure(index_page=blog)
    assert not group.page_permissions.filter(permission=publish).exists()


def test_article_editor_has_content_review_and_promote_tabs_and_scheduling(admin_client, blog, author):
    article = BlogPageFactory(parent=blog, author=author)
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content.decode()
    for tab in ["content", "medical_review", "promote"]:
        assert f'id="tab-label-{tab}"' in html, tab
    # Wagtail shows the Settings tab's publishing schedule in the status side panel.
    assert 'name="go_live_at"' in html
    assert 'name="expire_at"' in html
    assert "Describe the image for people who cannot see it." in html


def test_article_preview_renders_unsaved_changes(admin_client, blog, author, hip):
    article = BlogPageFactory(parent=blog, author=author)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[article.pk])
    data = form_data(
        admin_client,
        reverse("wagtailadmin_pages:edit", args=[article.pk]),
        form_id="page-edit-form",
        streams={"body": [("heading", {"text": "Previewed heading", "level": "h2"})]},
    )
    data["categories"] = [str(hip.pk)]
    assert admin_client.post(url, data).json()["is_valid"]
    assert "Previewed heading" in admin_client.get(url).content.decode()


def test_publish_scheduled_publishes_an_article_when_its_time_comes(client, blog, author):
    article = BlogPageFactory(parent=blog, author=author, slug="scheduled", live=False)
    revision = article.save_revision(approved_go_live_at=timezone.now() + timedelta(hours=1))
    call_command("publish_scheduled", stdout=io.StringIO())
    article.refresh_from_db()
    assert not article.live
    assert client.get("/blog/scheduled/").status_code == 404
    # An hour later, as cron runs it:
    Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=timezone.now() - timedelta(minutes=1))
    call_command("publish_scheduled", stdout=io.StringIO())
    article.refresh_from_db()
    assert article.live
    assert article.live_revision_id == revision.pk
    assert client.get("/blog/scheduled/").status_code == 200


# The 'Articles due for medical review' report


@pytest.fixture
def review_articles(blog, author):
    today = timezone.localdate()
    BlogPageFactory(parent=blog, author=author, title="Never reviewed")
    BlogPageFactory(
        parent=blog,
        author=author,
        title="Overdue",
        reviewed_by=author,
        last_reviewed=today - timedelta(days=400),
    )
    BlogPageFactory(
        parent=blog,
        author=author,
        title="Quarterly, overdue",
        last_reviewed=today - timedelta(days=100),
        review_interval_months=3,
    )
    BlogPageFactory(parent=blog, author=author, title="Current", last_reviewed=today - timedelta(days=30))
    BlogPageFactory(parent=blog, author=author, title="Draft never reviewed", live=False)


def test_review_report_lists_live_articles_overdue_or_never_reviewed(admin_client, review_articles):
    response = admin_client.get(reverse("blog_review_report"))
    assert response.status_code == 200
    html = response.content.decode()
    for title in ["Never reviewed", "Overdue", "Quarterly, overdue"]:
        assert f">{title}</a>" in html, title
    assert ">Current</a>" not in html
    assert "Draft never reviewed" not in html


def test_review_report_shows_each_articles_reading_level(admin_client, review_articles):
    html = admin_client.get(reverse("blog_review_report")).content.decode()
    assert "<th>Reading level</th>" in html
    level = BlogPage.objects.get(title="Overdue").reading_level()
    assert f"<td>{level.label}</td>" in html


def test_review_report_is_in_the_reports_menu_for_blog_editors(client, blog_editor, review_articles):
    client.force_login(blog_editor)
    assert reverse("blog_review_report") in client.get(reverse("wagtailadmin_home")).content.decode()
    assert client.get(reverse("blog_review_report")).status_code == 200


@pytest.mark.parametrize(
    ("last_reviewed", "months", "overdue"),
    [
        (None, 12, True),
        (date(2025, 11, 25), 12, True),
        (date(2025, 11, 26), 12, False),  # due today: not yet overdue
        (date(2026, 6, 1), 12, False),
        (date(2026, 6, 1), 3, True),
    ],
)
def test_review_is_overdue_when_never_done_or_interval_has_passed(
    blog, author, last_reviewed, months, overdue
):
    article = BlogPageFactory(
        parent=blog, author=author, last_reviewed=last_reviewed, review_interval_months=months
    )
    due = BlogPage.objects.overdue_for_review(today=date(2026, 11, 26))
    assert due.filter(pk=article.pk).exists() is overdue


def test_preview_of_a_new_unsaved_article_renders(admin_client, blog, author, hip):
    url = reverse("wagtailadmin_pages:preview_on_add", args=["blog", "blogpage", blog.pk])
    data = article_form(admin_client, add_url(blog), author, hip)
    assert admin_client.post(url, data).json()["is_valid"]
    html = admin_client.get(url).content.decode()
    assert "Shin splints" in html
    assert "Why it hurts" in html


def test_markup_typed_into_article_fields_is_shown_as_text(client, admin_client, blog, author, hip):
    data = article_form(admin_client, add_url(blog), author, hip)
    data.update(
        {
            "title": "<script>alert('title')</script>",
            "slug": "hostile",
            "intro": '"><img src=x onerror=alert(1)>',
            "seo_title": "</title><script>alert(2)</script>",
            "action-publish": "action-publish",
        }
    )
    assert admin_client.post(add_url(blog), data).status_code == 302
    html = client.get("/blog/hostile/").content.decode()
    assert "<script>alert(" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "There is no blog index page; create it first."),
        (["--parent", "news"], "No blog index page 'news'."),
    ],
)
def test_setup_blog_editors_says_which_blog_index_is_missing(home, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("setup_blog_editors", *args)


def autosave_new_article(client, blog, author, hip) -> dict:
    """What Wagtail's autosave does once a title is typed: POST the create form, expecting JSON."""
    data = article_form(client, add_url(blog), author, hip)
    response = client.post(add_url(blog), data, HTTP_ACCEPT="application/json")
    assert response.json()["success"] is True
    return data


def test_starting_again_after_abandoning_an_autosaved_article_keeps_the_slug_free(
    client, blog, blog_editor, author, hip
):
    client.force_login(blog_editor)
    autosave_new_article(client, blog, author, hip)  # ...then the editor closes the tab
    data = article_form(client, add_url(blog), author, hip)
    response = client.post(add_url(blog), data)
    assert b"already in use" not in response.content
    assert response.status_code == 302


def test_the_abandoned_draft_is_kept_out_of_the_way_not_deleted(client, blog, blog_editor, author, hip):
    client.force_login(blog_editor)
    autosave_new_article(client, blog, author, hip)
    abandoned = BlogPage.objects.get(slug="shin-splints")
    client.post(add_url(blog), article_form(client, add_url(blog), author, hip))
    abandoned.refresh_from_db()
    assert abandoned.slug == f"shin-splints-earlier-draft-{abandoned.pk}"
    assert abandoned.get_latest_revision_as_object().slug == abandoned.slug


def test_a_colleagues_unpublished_draft_still_holds_its_slug(
    client, blog, blog_editor, author, hip, django_user_model
):
    colleague = django_user_model.objects.create_user(username="colleague", password="pw")
    colleague.groups.add(Group.objects.get(name=BLOG_EDITORS))
    client.force_login(colleague)
    autosave_new_article(client, blog, author, hip)
    client.force_login(blog_editor)
    response = client.post(add_url(blog), article_form(client, add_url(blog), author, hip))
    assert b"already in use" in response.content


def test_a_published_article_still_holds_its_slug(client, blog, blog_editor, author, hip):
    client.force_login(blog_editor)
    data = autosave_new_article(client, blog, author, hip)
    BlogPage.objects.get(slug="shin-splints").save_revision(user=blog_editor).publish()
    response = client.post(add_url(blog), data)
    assert b"already in use" in response.content
