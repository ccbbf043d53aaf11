"""Clinician approval: Blog editors submit, a Clinical reviewer approves or asks for changes in the
admin, the approval publishes (or schedules) and is the article's medical review. Emails go to the
right people, through the task queue."""

import io
import json
from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import GroupPagePermission, Locale, Revision, TaskState, WorkflowState

from blog.models import BlogPage
from blog.reading import review_due_date
from blog.services import (
    BLOG_EDITORS,
    CLINICAL_REVIEW,
    CLINICAL_REVIEWERS,
    blog_editors_group_ensure,
    clinical_review_ensure,
)
from tests.admin_forms import form_data
from tests.factories import BlogPageFactory, PersonFactory


@pytest.fixture
def review(blog):
    blog_editors_group_ensure(index_page=blog)
    return clinical_review_ensure(index_page=blog)


@pytest.fixture
def writer(review, django_user_model):
    user = django_user_model.objects.create_user(
        username="writer", password="pw-writer", email="writer@example.com", first_name="Sam"
    )
    user.groups.add(Group.objects.get(name=BLOG_EDITORS))
    return user


@pytest.fixture
def ashley(review, django_user_model):
    """A clinical reviewer with her Team entry."""
    user = django_user_model.objects.create_user(
        username="ashley", password="pw-ashley", email="ashley@example.com", first_name="Ashley"
    )
    user.groups.add(Group.objects.get(name=CLINICAL_REVIEWERS))
    PersonFactory(name="Ashley Kranz", credentials="PT, DPT", user=user)
    return user


def add_url(blog):
    return reverse("wagtailadmin_pages:add", args=["blog", "blogpage", blog.pk])


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def new_article_form(client, blog, author, category, **fields):
    data = form_data(
        client,
        add_url(blog),
        form_id="page-edit-form",
        streams={"body": [("heading", {"text": "Why shins hurt", "level": "h2"})]},
    )
    data.update(
        {
            "title": "Shin splints",
            "slug": "shin-splints",
            "intro": "What shin splints are and how to get rid of them.",
            "author": str(author.pk),
            "date": "2026-05-01",
            "categories": [str(category.pk)],
            **fields,
        }
    )
    return data


def submit_new_article(client, blog, author, category, captured, **fields) -> BlogPage:
    data = new_article_form(client, blog, author, category, **fields)
    data["action-submit"] = "action-submit"
    with captured(execute=True):
        response = client.post(add_url(blog), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return BlogPage.objects.get(slug=fields.get("slug", "shin-splints"))


def decide(client, page, action, captured, comment=""):
    """What the reviewer's buttons in the editor send: the edit form with the workflow action."""
    data = form_data(
        client,
        edit_url(page),
        form_id="page-edit-form",
        streams={"body": [("heading", {"text": "Why shins hurt", "level": "h2"})]},
    )
    data.update(
        {
            "action-workflow-action": "true",
            "workflow-action-name": action,
            "workflow-action-extra-data": json.dumps({"comment": comment} if comment else {}),
        }
    )
    with captured(execute=True):
        response = client.post(edit_url(page), data)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def captured(django_capture_on_commit_callbacks):
    """The emails are queued when the submission or decision commits; this runs the commit hooks."""
    return django_capture_on_commit_callbacks


def test_editor_submits_reviewer_approves_and_the_approval_is_the_review(
    client, blog, writer, ashley, author, hip, captured
):
    client.force_login(writer)
    article = submit_new_article(client, blog, author, hip, captured)
    assert not article.live
    state = WorkflowState.objects.get()
    assert state.workflow.name == CLINICAL_REVIEW
    assert state.requested_by == writer
    assert [message.to for message in mail.outbox] == [["ashley@example.com"]]
    assert "Shin splints" in mail.outbox[0].subject
    assert client.get("/blog/shin-splints/").status_code == 404

    client.force_login(ashley)
    editor_html = client.get(edit_url(article)).content.decode()
    assert 'data-workflow-action-name="approve"' in editor_html
    assert 'data-workflow-action-name="reject"' in editor_html
    decide(client, article, "approve", captured)

    article.refresh_from_db()
    assert article.live
    approval = TaskState.objects.get(status=TaskState.STATUS_APPROVED)
    assert approval.finished_by == ashley
    assert article.last_reviewed == timezone.localdate(approval.finished_at)
    assert article.reviewed_by.name == "Ashley Kranz"
    assert article.review_due == review_due_date(article.last_reviewed, 12)
    # The editor hears of the decision; the reviewer is not told of her own.
    assert [message.to for message in mail.outbox[1:]] == [["writer@example.com"]]
    assert "approved" in mail.outbox[1].subject.lower()
    client.logout()
    page = client.get("/blog/shin-splints/").content.decode()
    assert "Medically reviewed by Ashley Kranz, PT, DPT" in page


def test_a_blog_editors_direct_publish_is_refused(client, blog, writer, author, hip):
    client.force_login(writer)
    data = new_article_form(client, blog, author, hip)
    data["action-publish"] = "action-publish"
    client.post(add_url(blog), data)
    article = BlogPage.objects.get(slug="shin-splints")
    assert not article.live
    assert article.live_revision is None
    assert client.get("/blog/shin-splints/").status_code == 404
    html = client.get(edit_url(article)).content.decode()
    assert "action-publish" not in html
    assert f"Submit to {CLINICAL_REVIEW}" in html


def test_reviewer_requests_changes_with_a_comment_and_the_editor_resubmits(
    client, blog, writer, ashley, author, hip, captured
):
    client.force_login(writer)
    article = submit_new_article(client, blog, author, hip, captured)
    client.force_login(ashley)
    decide(client, article, "reject", captured, comment="Say when to see a doctor about shin pain.")
    article.refresh_from_db()
    assert not article.live
    assert article.last_reviewed is None
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_NEEDS_CHANGES
    changes = mail.outbox[-1]
    assert changes.to == ["writer@example.com"]
    assert "Say when to see a doctor about shin pain." in changes.body

    client.force_login(writer)
    html = client.get(edit_url(article)).content.decode()
    assert f"Resubmit to {CLINICAL_REVIEW}" in html
    data = form_data(
        client,
        edit_url(article),
        form_id="page-edit-form",
        streams={"body": [("heading", {"text": "When to see a doctor", "level": "h2"})]},
    )
    data["action-submit"] = "action-submit"
    with captured(execute=True):
        client.post(edit_url(article), data)
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_IN_PROGRESS
    assert mail.outbox[-1].to == ["ashley@example.com"]


def test_approving_a_scheduled_article_schedules_it_with_the_review_recorded(
    client, blog, writer, ashley, author, hip, captured
):
    client.force_login(writer)
    go_live = timezone.localtime() + timedelta(days=2)
    article = submit_new_article(
        client, blog, author, hip, captured, go_live_at=go_live.strftime("%Y-%m-%d %H:%M")
    )
    client.force_login(ashley)
    decide(client, article, "approve", captured)
    article.refresh_from_db()
    assert not article.live
    scheduled = Revision.objects.get(approved_go_live_at__isnull=False)
    approval = TaskState.objects.get(status=TaskState.STATUS_APPROVED)
    assert scheduled.content["last_reviewed"] == timezone.localdate(approval.finished_at).isoformat()
    # Two days later, when cron publishes it, the review goes live with it.
    past = timezone.now() - timedelta(minutes=1)
    scheduled.content["go_live_at"] = past.isoformat()
    scheduled.approved_go_live_at = past
    scheduled.save(update_fields=["content", "approved_go_live_at"])
    call_command("publish_scheduled", stdout=io.StringIO())
    article.refresh_from_db()
    assert article.live
    assert article.last_reviewed == timezone.localdate(approval.finished_at)
    assert article.reviewed_by.user == ashley


def test_a_reviewer_without_a_team_entry_is_not_named(client, blog, writer, author, hip, captured, ashley):
    ashley.team_member.delete()
    client.force_login(writer)
    article = submit_new_article(client, blog, author, hip, captured)
    client.force_login(ashley)
    decide(client, article, "approve", captured)
    article.refresh_from_db()
    assert article.live
    assert article.last_reviewed is not None
    assert article.reviewed_by is None


def test_a_superusers_direct_publish_records_no_review(admin_client, blog, review, author):
    article = BlogPageFactory(parent=blog, author=author, live=False)
    article.save_revision().publish()
    article.refresh_from_db()
    assert article.live
    assert article.last_reviewed is None


def test_editors_cannot_type_the_review_date_or_reviewer(client, blog, writer, author, hip, ashley):
    person = ashley.team_member
    article = BlogPageFactory(parent=blog, author=author)
    client.force_login(writer)
    html = client.get(edit_url(article)).content.decode()
    assert 'name="last_reviewed"' not in html
    assert 'name="reviewed_by"' not in html
    data = form_data(
        client,
        edit_url(article),
        form_id="page-edit-form",
        streams={"body": [("heading", {"text": "Why it hurts", "level": "h2"})]},
    )
    data.update(
        {"last_reviewed": "2026-01-01", "reviewed_by": str(person.pk), "action-submit": "action-submit"}
    )
    client.post(edit_url(article), data)
    draft = BlogPage.objects.get(pk=article.pk).get_latest_revision_as_object()
    assert draft.last_reviewed is None
    assert draft.reviewed_by is None


def test_workflow_emails_wait_for_the_commit_and_go_through_the_queue(
    client, blog, writer, ashley, author, hip
):
    """Without running the commit hooks nothing is sent: Wagtail's own in-request notifiers are
    not connected (blog.workflow.NOTIFICATIONS)."""
    client.force_login(writer)
    data = new_article_form(client, blog, author, hip)
    data["action-submit"] = "action-submit"
    client.post(add_url(blog), data)
    assert WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS).exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_submission_email(client, demo_site, django_user_model, settings):
    """The production path: the database queue, and `db_worker --backend clinic` sending."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "clinic": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    User = django_user_model  # noqa: N806
    writer = User.objects.create_user(username="writer", password="pw", email="writer@example.com")
    writer.groups.add(Group.objects.get(name=BLOG_EDITORS))
    article = BlogPage.objects.get(slug="hip-pain-in-runners")
    article.get_workflow().start(article, writer)
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", "--backend", "clinic", "--batch", "--no-startup-delay", stdout=io.StringIO())
    assert [message.to for message in mail.outbox] == [["ashley@example.com"]]


def page_permissions(page, group: str) -> set[str]:
    granted = GroupPagePermission.objects.filter(page=page, group__name=group)
    return set(granted.values_list("permission__codename", flat=True))


def test_translating_the_blog_gives_the_translation_the_same_editors_reviewers_and_workflow(blog, review):
    """The Spanish blog, made by *Translate* on the English one: its articles are written by the
    same editors and go live only through the same Clinical review (Wagtail copies neither)."""
    spanish = Locale.objects.get_or_create(language_code="es")[0]
    home_es = blog.get_parent().copy_for_translation(spanish)
    blog_es = blog.copy_for_translation(spanish)
    assert blog_es.get_parent().pk == home_es.pk
    assert blog_es.get_workflow() == review
    for group in (BLOG_EDITORS, CLINICAL_REVIEWERS):
        granted = {
            p.permission.codename for p in GroupPagePermission.objects.filter(page=blog_es, group__name=group)
        }
        english = {
            p.permission.codename for p in GroupPagePermission.objects.filter(page=blog, group__name=group)
        }
        assert granted == english != set()


def test_setup_blog_editors_covers_translations_made_before_it(blog):
    spanish = Locale.objects.get_or_create(language_code="es")[0]
    blog.get_parent().copy_for_translation(spanish)
    blog_es = blog.copy_for_translation(spanish)
    assert blog_es.get_workflow().name != CLINICAL_REVIEW  # Wagtail's default, from the root
    call_command("setup_blog_editors", stdout=io.StringIO())
    blog_es = type(blog_es).objects.get(pk=blog_es.pk)
    assert blog_es.get_workflow().name == CLINICAL_REVIEW
    assert GroupPagePermission.objects.filter(page=blog_es, group__name=BLOG_EDITORS).exists()
