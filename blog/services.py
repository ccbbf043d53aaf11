"""Writes with rules: importing an article from text, and the staff who write and review articles:
the 'Blog editors' and 'Clinical reviewers' groups and the 'Clinical review' workflow."""

import re

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify

from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from clinic.models import CareArea, Person
from clinic.richtext import clean_rich_text

from .importers import ParsedArticle, with_booking_link, with_phone_placeholder
from .models import BlogIndexPage, BlogPage

BLOG_EDITORS = "Blog editors"
CLINICAL_REVIEWERS = "Clinical reviewers"
# The workflow and its one task share the name editors see on their button: "Submit to Clinical review".
CLINICAL_REVIEW = "Clinical review"


def stream_blocks_from_parsed(article: ParsedArticle) -> list[tuple[str, object]]:
    """The parsed blocks as the article body's StreamField data. Text is escaped, so anything that
    looks like HTML in the source stays text, and rich text goes through the editor's cleaner."""
    stream: list[tuple[str, object]] = []
    for block in article.blocks:
        value = block.value
        if block.kind == "heading":
            stream.append(("heading", {"text": value["text"], "level": f"h{value['level']}"}))
        elif block.kind == "paragraph":
            stream.append(("paragraph", clean_rich_text(f"<p>{escape(value['text'])}</p>")))
        elif block.kind == "list":
            tag = "ol" if value["ordered"] else "ul"
            items = "".join(f"<li>{escape(item)}</li>" for item in value["items"])
            stream.append(("paragraph", clean_rich_text(f"<{tag}>{items}</{tag}>")))
        elif block.kind == "call_to_action":
            # {phone}: the page shows the clinic's current number, not the one in the file;
            # [click here to book...] links to the booking page.
            text = with_booking_link(with_phone_placeholder(value["text"]))
            stream.append(("call_to_action", {"text": text}))
        else:  # pragma: no cover - the parser has no other kinds
            raise ValueError(f"Unknown parsed block kind {block.kind!r}")
    return stream


def article_block_counts(article: ParsedArticle) -> dict[str, int]:
    counts = {"heading": 0, "paragraph": 0, "list": 0, "call_to_action": 0}
    for block in article.blocks:
        counts[block.kind] += 1
    return counts


@transaction.atomic
def blog_article_create(
    *,
    article: ParsedArticle,
    parent: BlogIndexPage,
    author: Person,
    categories: list[CareArea],
    slug: str = "",
    publish: bool = False,
    user=None,
) -> BlogPage:
    """Add an imported article under `parent` with a first revision; published only when asked."""
    page = BlogPage(
        title=article.title,
        slug=slug or slugify(article.title)[:255],
        intro=article.intro[:500],
        author=author,
        body=stream_blocks_from_parsed(article),
        live=False,
    )
    page.categories.set(categories)
    parent.add_child(instance=page)
    revision = page.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
        page.refresh_from_db()
    return page


# Page permissions on the blog's index (its articles inherit them) and what authoring needs besides.
# Editors write and submit; only a clinical reviewer's approval publishes (blog.workflow).
BLOG_PAGE_PERMISSIONS = ["add_page", "change_page"]
BLOG_IMAGE_PERMISSIONS = ["add_image", "choose_image"]
# Reviewers may correct an article while reviewing it and see the review report; approving needs
# no publish permission (the approval publishes), and without it they cannot skip the review.
REVIEWER_PAGE_PERMISSIONS = ["change_page"]
REVIEWER_IMAGE_PERMISSIONS = ["choose_image"]


@transaction.atomic
def blog_editors_group_ensure(*, index_page: BlogIndexPage) -> Group:
    """The 'Blog editors' group: may use the admin, write articles under `index_page` and submit
    them for clinical review, and upload images; nothing else (no publishing, no clinic settings,
    no booking data). Safe to call again; a publish permission from before review existed goes."""
    group = _staff_group(BLOG_EDITORS, index_page, BLOG_PAGE_PERMISSIONS, BLOG_IMAGE_PERMISSIONS)
    GroupPagePermission.objects.filter(group=group, permission__codename="publish_page").delete()
    return group


@transaction.atomic
def clinical_review_ensure(*, index_page: BlogIndexPage) -> Workflow:
    """The 'Clinical reviewers' group and the 'Clinical review' workflow (one group approval task
    for that group) on `index_page`, so every article under it goes live only once a reviewer
    approves it. Safe to call again: what exists is kept, including a workflow staff chose for
    the blog instead (Settings > Workflows)."""
    group = _staff_group(
        CLINICAL_REVIEWERS, index_page, REVIEWER_PAGE_PERMISSIONS, REVIEWER_IMAGE_PERMISSIONS
    )
    task = GroupApprovalTask.objects.filter(name=CLINICAL_REVIEW).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=CLINICAL_REVIEW)
    task.groups.add(group)
    workflow = Workflow.objects.filter(name=CLINICAL_REVIEW).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=CLINICAL_REVIEW)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.get_or_create(page=index_page, defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def blog_translation_staff_ensure(index_page: BlogIndexPage) -> bool:
    """A translated blog index (the Spanish blog, made by *Translate* on the English one) gets its
    source's staff set-up: the same groups' page permissions and the same workflow, so editors
    write the translations and a clinician approves each language before it goes live. Neither
    is copied by Wagtail with the page. False when `index_page` is not a translation."""
    source = (
        BlogIndexPage.objects.filter(translation_key=index_page.translation_key)
        .exclude(pk=index_page.pk)
        .filter(locale__language_code=settings.LANGUAGE_CODE)
        .first()
    )
    if source is None:
        return False
    for granted in GroupPagePermission.objects.filter(page=source):
        GroupPagePermission.objects.get_or_create(
            group_id=granted.group_id, page=index_page, permission_id=granted.permission_id
        )
    assigned = WorkflowPage.objects.filter(page=source).first()
    if assigned is not None:
        WorkflowPage.objects.get_or_create(page=index_page, defaults={"workflow": assigned.workflow})
    return True


def staff_for_translated_blog(sender, instance, created, raw=False, **kwargs) -> None:
    """post_save receiver for BlogIndexPage: a new translation gets its source's staff set-up."""
    if created and not raw:
        blog_translation_staff_ensure(instance)


def _staff_group(name: str, index_page, page_permissions, image_permissions) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    for codename in page_permissions:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=index_page, permission=permission)
    # A flushed database (transactional tests) has no root collection until something makes one.
    root_collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    for codename in image_permissions:
        permission = Permission.objects.get(content_type__app_label="wagtailimages", codename=codename)
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=permission
        )
    return group


class BlogIndexNotFound(LookupError):
    """No blog index matches; the message says what to do."""


def find_blog_index(reference: str = "") -> BlogIndexPage:
    """The blog index by id (in any language), or by slug or the only one when `reference` is empty
    among the default language's (a translation has the same slug; import into one by its id)."""
    pages = BlogIndexPage.objects.all()
    try:
        if re.fullmatch(r"\d+", reference):
            return pages.get(pk=int(reference))
        pages = pages.filter(locale__language_code=settings.LANGUAGE_CODE)
        if not reference:
            return pages.get()
        return pages.get(slug=reference)
    except BlogIndexPage.DoesNotExist as error:
        raise BlogIndexNotFound(
            f"No blog index page {reference!r}."
            if reference
            else "There is no blog index page; create it first."
        ) from error
    except BlogIndexPage.MultipleObjectsReturned as error:
        raise BlogIndexNotFound("There are several blog index pages; pass --parent.") from error
