"""Only superusers and the Booking page editors group may change the booking page (its text goes
into patients' emails); Wagtail's default Editors and Moderators may not. What the page says that
reaches a patient's email is cleaned."""

import pytest

from django.contrib.auth.models import Group, Permission
from django.core import mail

from wagtail.models import GroupPagePermission

from booking.models import DiscoveryVisitPage
from booking.page_permissions import BOOKING_PAGE_EDITORS, grant_booking_page
from booking.slots import slot_value
from tests.booking.conftest import form_data


def staff(django_user_model, username, group_name):
    user = django_user_model.objects.create_user(username=username, password="pw-" + username)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def edit_url(page) -> str:
    return f"/admin/pages/{page.pk}/edit/"


@pytest.mark.parametrize("group_name", ["Editors", "Moderators"])
def test_default_wagtail_groups_cannot_edit_the_booking_page(
    client, django_user_model, booking_page, group_name
):
    client.force_login(staff(django_user_model, "someone", group_name))
    response = client.get(edit_url(booking_page))
    assert response.status_code in {302, 403}
    assert not booking_page.permissions_for_user(django_user_model.objects.get()).can_publish()


@pytest.mark.parametrize("group_name", ["Editors", "Moderators"])
def test_default_wagtail_groups_still_edit_other_pages(client, django_user_model, home, group_name):
    client.force_login(staff(django_user_model, "someone", group_name))
    assert client.get(edit_url(home)).status_code == 200


def test_booking_page_editors_can_edit_and_publish_the_booking_page(client, django_user_model, booking_page):
    grant_booking_page(booking_page, Group, GroupPagePermission, Permission)
    user = staff(django_user_model, "bookingeditor", BOOKING_PAGE_EDITORS)
    client.force_login(user)
    assert client.get(edit_url(booking_page)).status_code == 200
    assert booking_page.permissions_for_user(user).can_publish()


def test_booking_page_editors_cannot_edit_other_pages(client, django_user_model, home):
    client.force_login(staff(django_user_model, "bookingeditor", BOOKING_PAGE_EDITORS))
    assert client.get(edit_url(home)).status_code in {302, 403}


def test_superusers_can_edit_the_booking_page(admin_client, booking_page):
    assert admin_client.get(edit_url(booking_page)).status_code == 200


def test_demo_booking_page_is_editable_by_booking_page_editors(demo_site, django_user_model):
    user = staff(django_user_model, "bookingeditor", BOOKING_PAGE_EDITORS)
    assert DiscoveryVisitPage.objects.get(locale__language_code="en").permissions_for_user(user).can_edit()


HOSTILE_CONFIRMATION = (
    '<p>See you soon.</p><script>steal()</script><a href="javascript:steal()">Details</a>'
    '<img src="x" onerror="steal()"><p onclick="steal()">Bring shoes.</p>'
)


@pytest.fixture
def hostile_email(client, booking_page, care_area, django_capture_on_commit_callbacks):
    # Set directly, as a shell, an import or an API could: the editor itself stores only clean HTML.
    booking_page.confirmation_text = HOSTILE_CONFIRMATION
    booking_page.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/book/", form_data(slot_value(booking_page.free_slots()[0].start)))
    return next(m for m in mail.outbox if m.to == ["maria@example.com"]).alternatives[0][0]


def test_confirmation_text_in_the_email_has_no_script(hostile_email):
    assert "<script" not in hostile_email


def test_confirmation_text_in_the_email_has_no_javascript_links(hostile_email):
    assert "javascript:" not in hostile_email


def test_confirmation_text_in_the_email_has_no_event_handlers(hostile_email):
    assert "onerror" not in hostile_email
    assert "onclick" not in hostile_email


def test_confirmation_text_in_the_email_keeps_its_wording(hostile_email):
    assert "<p>See you soon.</p>" in hostile_email
    assert "<p>Bring shoes.</p>" in hostile_email
