"""An editor sees the patient-information checks in the article editor and submits the article; the
clinical reviewer approves it from the admin, in Chromium, and it goes live with her review."""

import re

import pytest
from playwright.sync_api import expect

from django.contrib.auth.models import Group, User
from django.utils import timezone

from wagtail.models import TaskState

from blog.models import BlogPage
from blog.services import BLOG_EDITORS

PASSWORD = "review-password-8812"
# When Wagtail's unsaved-changes watcher last took its snapshot of the edit form.
WATCH_SNAPSHOTS = """
document.addEventListener("w-unsaved:watch-edits", () => { window.lastSnapshotAt = performance.now(); });
"""


@pytest.fixture
def people(site_url):
    writer = User.objects.create_user(username="writer", password=PASSWORD, email="writer@example.com")
    writer.groups.add(Group.objects.get(name=BLOG_EDITORS))
    ashley = User.objects.get(username="ashley")  # the demo's clinical reviewer, without a password
    ashley.set_password(PASSWORD)
    ashley.save()
    return writer, ashley


def sign_in(page, site_url, username, next_url):
    page.goto(f"{site_url}/admin/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_editor_sees_the_checks_submits_and_the_reviewer_approves(browser, site_url, people):
    guide = BlogPage.objects.get(slug="hip-pain-in-runners")
    edit_path = f"/admin/pages/{guide.pk}/edit/"

    writer = browser.new_context().new_page()
    writer.add_init_script(WATCH_SNAPSHOTS)
    sign_in(writer, site_url, "writer", edit_path)
    writer.get_by_role("button", name="Toggle checks").click()
    checks = writer.locator('[data-side-panel="checks"]')
    reading = checks.locator('[data-article-check="reading-level"]')
    expect(reading).to_contain_text("grade 8.8", timeout=20_000)
    expect(reading).to_contain_text("grade 6–8")
    expect(reading.get_by_role("listitem")).to_have_count(3)  # the hardest sentences
    expect(checks.locator("[data-article-reading-level]")).to_have_text("grade 8.8")
    expect(checks.locator('[data-article-check="link-text"]')).to_contain_text("click here")
    expect(checks.locator('[data-article-check="one-h1"]')).to_contain_text("passed")
    expect(checks.locator("[data-article-checks-count]")).to_have_text("4")

    # The checks follow what is typed: an SEO title makes that check pass, before any save.
    # Wagtail notices an edit (and then updates the preview, which reruns the checks) by comparing
    # the form with a snapshot it takes 2 s after the editor starts watching, and again when it
    # starts over; an edit made before the last snapshot goes unnoticed. A person is slower than
    # that; on a fast machine the test is not, so it waits until no snapshot is pending.
    writer.wait_for_function(
        "() => window.lastSnapshotAt !== undefined && performance.now() - window.lastSnapshotAt > 2500",
        timeout=30_000,
    )
    writer.get_by_role("tab", name="Promote").click()
    title_tag = writer.get_by_label("Title tag")
    title_tag.fill("Hip pain in runners: causes and recovery")
    title_tag.press("Tab")
    expect(writer.locator('[data-article-check="seo-title"]')).to_contain_text("passed", timeout=20_000)
    expect(checks.locator("[data-article-checks-count]")).to_have_text("3")

    writer.get_by_role("button", name="More actions").click()
    writer.get_by_role("button", name="Submit to Clinical review").click()
    expect(writer.get_by_role("status")).to_contain_text("submitted", timeout=20_000)
    assert BlogPage.objects.get(pk=guide.pk).current_workflow_state.requested_by == people[0]

    reviewer = browser.new_context().new_page()
    sign_in(reviewer, site_url, "ashley", "/admin/")
    expect(reviewer.get_by_role("heading", name=re.compile("Awaiting your review"))).to_be_visible()
    reviewer.goto(f"{site_url}{edit_path}")
    reviewer.get_by_role("button", name="More actions").click()
    reviewer.get_by_role("button", name="Approve and Publish").click()
    expect(reviewer.get_by_role("status")).to_contain_text("has been updated", timeout=20_000)

    guide.refresh_from_db()
    approval = TaskState.objects.filter(
        status=TaskState.STATUS_APPROVED, finished_by__username="ashley"
    ).latest("finished_at")
    assert guide.seo_title == "Hip pain in runners: causes and recovery"
    assert guide.last_reviewed == timezone.localdate(approval.finished_at)
    assert guide.reviewed_by.name == "Ashley Kranz"
    writer.context.close()
    reviewer.context.close()
