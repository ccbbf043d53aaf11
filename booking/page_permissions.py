"""Who may change the booking page: superusers and the Booking page editors group. (Apart from
`permissions.py`, which needs the models; the page model needs this.)"""

from wagtail.models import PagePermissionTester

BOOKING_PAGE_PERMISSION = "booking.change_discoveryvisitpage"
BOOKING_PAGE_EDITORS = "Booking page editors"


def _only_for_booking_page_editors(check):
    def gated(self, *args, **kwargs):
        return self.may_change_booking_page and check(self, *args, **kwargs)

    gated.__name__ = check.__name__
    return gated


class BookingPagePermissionTester(PagePermissionTester):
    """The booking page's text goes into patients' emails and its availability decides what can be
    booked: besides Wagtail's page permissions, changing it needs `change_discoveryvisitpage`, which
    superusers and the "Booking page editors" group have; Wagtail's default Editors and Moderators,
    who may edit the rest of the site, do not."""

    def __init__(self, user, page):
        super().__init__(user, page)
        self.may_change_booking_page = user.is_active and user.has_perm(BOOKING_PAGE_PERMISSION)

    can_edit = _only_for_booking_page_editors(PagePermissionTester.can_edit)
    can_delete = _only_for_booking_page_editors(PagePermissionTester.can_delete)
    can_unpublish = _only_for_booking_page_editors(PagePermissionTester.can_unpublish)
    can_publish = _only_for_booking_page_editors(PagePermissionTester.can_publish)
    can_submit_for_moderation = _only_for_booking_page_editors(PagePermissionTester.can_submit_for_moderation)
    can_set_view_restrictions = _only_for_booking_page_editors(PagePermissionTester.can_set_view_restrictions)
    can_unschedule = _only_for_booking_page_editors(PagePermissionTester.can_unschedule)
    can_lock = _only_for_booking_page_editors(PagePermissionTester.can_lock)
    can_unlock = _only_for_booking_page_editors(PagePermissionTester.can_unlock)
    can_move = _only_for_booking_page_editors(PagePermissionTester.can_move)
    can_move_to = _only_for_booking_page_editors(PagePermissionTester.can_move_to)
    can_copy = _only_for_booking_page_editors(PagePermissionTester.can_copy)
    can_copy_to = _only_for_booking_page_editors(PagePermissionTester.can_copy_to)


def grant_booking_page(page, group_model, group_page_permission_model, permission_model) -> None:
    """Give the Booking page editors group Wagtail's edit and publish permissions on `page` (used
    by the data migration for existing pages and by the demo loader for the page it creates)."""
    group = group_model.objects.filter(name=BOOKING_PAGE_EDITORS).first()
    if group is None:
        return
    for codename in ("change_page", "publish_page"):
        permission = permission_model.objects.get(content_type__app_label="wagtailcore", codename=codename)
        group_page_permission_model.objects.get_or_create(group=group, page_id=page.pk, permission=permission)
