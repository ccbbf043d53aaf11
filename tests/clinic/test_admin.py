"""Staff edit the clinic's copy, settings and team in the Wagtail admin, within their permissions."""

import pytest

from django.urls import reverse

from wagtail.models import Site

from clinic.models import ClinicSettings, Person
from tests.admin_forms import form_data
from tests.factories import StandardPageFactory


def settings_url():
    site = Site.objects.get(is_default_site=True)
    return reverse("wagtailsettings:edit", args=["clinic", "clinicsettings", site.pk])


WEEKDAY_HOURS = {
    "opening_hours": [("hours", {"days": ["mon", "tue", "wed"], "opens": "08:00", "closes": "18:00"})]
}


def test_superuser_edits_clinic_settings_and_the_site_shows_them(admin_client, client, home):
    data = form_data(admin_client, settings_url(), streams=WEEKDAY_HOURS)
    data["phone"] = "(305) 555-0134"
    data["call_banner_text"] = "Talk to a running injury expert today"
    response = admin_client.post(settings_url(), data)
    assert response.status_code == 302, response.content[:2000]
    clinic = ClinicSettings.objects.get()
    assert clinic.phone == "(305) 555-0134"
    banner = client.get("/").content.decode()
    assert "Talk to a running injury expert today" in banner
    assert 'href="tel:+13055550134"' in banner
    assert "Mon–Wed" in banner


def test_settings_form_refuses_a_bad_phone_number_with_a_message(admin_client, home):
    data = form_data(admin_client, settings_url(), streams=WEEKDAY_HOURS)
    data["phone"] = "call us"
    response = admin_client.post(settings_url(), data)
    assert response.status_code == 200
    assert "Enter a phone number such as (954) 519-5404." in response.content.decode()
    assert ClinicSettings.objects.get().phone == "(954) 519-5404"


def test_editor_saves_a_draft_that_goes_live_when_a_moderator_publishes(client, editor, moderator, home):
    page = StandardPageFactory(parent=home, slug="about", title="About")
    page.save_revision().publish()
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])

    client.force_login(editor)
    data = form_data(client, url, form_id="page-edit-form", streams={"body": []})
    data.update({"title": "About our clinic", "intro": "Runners helping runners."})
    assert client.post(url, data).status_code == 302
    client.logout()
    assert "Runners helping runners." not in client.get("/about/").content.decode()

    client.force_login(moderator)
    data = form_data(client, url, form_id="page-edit-form", streams={"body": []})
    assert data["intro"].strip() == "Runners helping runners."  # the editor's draft
    data["action-publish"] = "action-publish"
    assert client.post(url, data).status_code == 302
    client.logout()
    assert "Runners helping runners." in client.get("/about/").content.decode()


def test_editor_adds_a_team_member(client, editor, home):
    client.force_login(editor)
    url = reverse("wagtailsnippets_clinic_person:add")
    data = form_data(client, url)
    data.update(
        {"name": "Jordan Lee", "credentials": "PT", "role": "Physical therapist", "show_on_team": "on"}
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    person = Person.objects.get()
    assert person.name == "Jordan Lee"
    assert "Jordan Lee, PT" in client.get("/").content.decode()


def test_editor_cannot_change_clinic_settings(client, editor, home):
    client.force_login(editor)
    response = client.get(settings_url())
    assert response.status_code in (302, 403)
    assert client.post(settings_url(), {"phone": "(305) 555-0134"}).status_code in (302, 403)
    assert ClinicSettings.objects.get().phone == "(954) 519-5404"


def test_moderator_can_open_clinic_settings(client, moderator, home):
    client.force_login(moderator)
    assert client.get(settings_url()).status_code == 200


@pytest.mark.parametrize("url", ["/admin/", "/admin/pages/", "/admin/snippets/clinic/person/"])
def test_admin_requires_login(client, home, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
