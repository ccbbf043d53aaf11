"""Writes with rules for the site as a whole: setting aside an editor's abandoned new page."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from wagtail.admin.models import EditingSession
from wagtail.models import Page, Revision


def _is_abandoned_draft(page: Page, user) -> bool:
    """A page `user` started and left: never published, only ever saved by them (Wagtail's
    autosave makes one as soon as a title is typed), nothing under it, not open in an editor."""
    if page.live or page.first_published_at or page.owner_id != user.pk or page.numchild:
        return False
    if page.workflow_in_progress or (page.locked and page.locked_by_id != user.pk):
        return False
    others = Revision.page_revisions.filter(object_id=str(page.pk)).exclude(user=user)
    if others.exists():
        return False
    open_in_editor = EditingSession.objects.available().filter(
        content_type=ContentType.objects.get_for_model(page, for_concrete_model=False),
        object_id=str(page.pk),
    )
    return not open_in_editor.exists()


@transaction.atomic
def abandoned_draft_set_aside(*, parent: Page, slug: str, user) -> Page | None:
    """When `user` starts a new page under `parent` with `slug`, and that slug is held by their own
    abandoned draft, move the draft out of the way (slug `<slug>-earlier-draft-<id>`) so the new
    page can have it. Nothing is deleted: the draft stays in the page tree to reopen or delete.
    Returns the draft set aside, or None."""
    if not slug:
        return None
    draft = parent.get_children().filter(slug=slug).select_for_update().first()
    if draft is None or not _is_abandoned_draft(draft, user):
        return None
    new_slug = f"{slug}-earlier-draft-{draft.pk}"
    # A queryset update, not save(): a slug change on save sends page_slug_changed, and Wagtail
    # would add a redirect from the URL the new page is about to take. The editor opens the
    # latest revision, so it gets the new slug as well.
    Page.objects.filter(pk=draft.pk).update(slug=new_slug, url_path=parent.url_path + new_slug + "/")
    if revision := draft.latest_revision:
        revision.content["slug"] = new_slug
        revision.save(update_fields=["content"])
    draft.refresh_from_db()
    return draft
