"""Writes with rules: importing an article from text, and the 'Blog editors' staff group."""

import re

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify

from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from clinic.models import CareArea, Person
from clinic.richtext import clean_rich_text

from .importers import ParsedArticle, with_booking_link, with_phone_placeholder
from .models import BlogIndexPage, BlogPage

BLOG_EDITORS = "Blog editors"


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
BLOG_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]
BLOG_IMAGE_PERMISSIONS = ["add_image", "choose_image"]


@transaction.atomic
def blog_editors_group_ensure(*, index_page: BlogIndexPage) -> Group:
    """The 'Blog editors' group: may use the admin, write and publish articles under `index_page`
    and upload images; nothing else (no clinic settings, no booking data). Safe to call again."""
    group, _ = Group.objects.get_or_create(name=BLOG_EDITORS)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    for codename in BLOG_PAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=index_page, permission=permission)
    # A flushed database (transactional tests) has no root collection until something makes one.
    root_collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    for codename in BLOG_IMAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailimages", codename=codename)
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=permission
        )
    return group


class BlogIndexNotFound(LookupError):
    """No blog index matches; the message says what to do."""


def find_blog_index(reference: str = "") -> BlogIndexPage:
    """The blog index by slug or id, or the only one when `reference` is empty."""
    pages = BlogIndexPage.objects.all()
    try:
        if not reference:
            return pages.get()
        if re.fullmatch(r"\d+", reference):
            return pages.get(pk=int(reference))
        return pages.get(slug=reference)
    except BlogIndexPage.DoesNotExist as error:
        raise BlogIndexNotFound(
            f"No blog index page {reference!r}."
            if reference
            else "There is no blog index page; create it first."
        ) from error
    except BlogIndexPage.MultipleObjectsReturned as error:
        raise BlogIndexNotFound("There are several blog index pages; pass --parent.") from error
