"""`load_demo_content` builds the demo clinic and can be run again safely."""

import io

import pytest

from django.core.management import call_command
from django.core.management.base import CommandError

from wagtail.models import Page, Site

from clinic.management.commands import ensure_demo_admin
from clinic.management.commands.load_demo_content import demo_loaders
from clinic.models import CareArea, ClinicSettings, HomePage, Person, StandardPage, Testimonial


def load() -> str:
    out = io.StringIO()
    call_command("load_demo_content", stdout=out)
    return out.getvalue()


def tree() -> list[tuple[str, str, str]]:
    return list(Page.objects.order_by("path").values_list("path", "slug", "content_type__model"))


def test_demo_builds_the_clinic_from_the_guide(demo_site, client):
    clinic = ClinicSettings.for_site(demo_site)
    assert clinic.name == "Ageless Agility"
    assert clinic.phone == "(954) 519-5404"
    assert (clinic.locality, clinic.region) == ("Davie", "FL")
    assert clinic.call_banner_text == "Speak to the #1 running injury expert in Davie"
    assert clinic.privacy_page.slug == "privacy"
    assert Person.objects.get().name_with_credentials == "Ashley Kranz, PT, DPT"
    assert (
        CareArea.objects.filter(slug__in=["hip", "knee", "foot-ankle", "back", "running-injuries"]).count()
        == 5
    )
    assert isinstance(demo_site.root_page.specific, HomePage)
    for url in ["/", "/about/", "/services/", "/privacy/"]:
        assert client.get(url).status_code == 200, url
    home = client.get("/").content.decode()
    assert "Ageless Agility" in home
    assert "tel:+19545195404" in home
    assert "Ashley Kranz" in home


def test_demo_says_where_it_is_served(db, settings):
    # `make run PORT=19150` passes CLINIC_PUBLIC_URL=http://127.0.0.1:19150 (Makefile).
    settings.CLINIC_PUBLIC_URL = "http://127.0.0.1:19150"
    assert "Demo content ready: http://127.0.0.1:19150/" in load()


def test_each_apps_demo_module_is_found_by_convention_clinic_first():
    # Settings list no loaders: an installed app with a `demo.load` is found, the clinic's first
    # because the other apps' parts use its team and care areas.
    assert [load.__module__ for load in demo_loaders()] == ["clinic.demo", "blog.demo", "booking.demo"]


def test_demo_pages_are_published_with_a_revision(demo_site):
    for page in StandardPage.objects.all():
        assert page.live
        assert page.latest_revision is not None
        assert page.last_published_at is not None


def test_running_the_demo_loader_twice_changes_nothing(demo_site):
    before = tree()
    counts = (
        Person.objects.count(),
        Testimonial.objects.count(),
        CareArea.objects.count(),
        Site.objects.count(),
    )
    output = load()
    assert tree() == before
    assert counts == (
        Person.objects.count(),
        Testimonial.objects.count(),
        CareArea.objects.count(),
        Site.objects.count(),
    )
    assert "Created" not in output


def test_demo_loader_keeps_what_staff_changed(demo_site):
    clinic = ClinicSettings.for_site(demo_site)
    clinic.phone = "(305) 555-0134"
    clinic.save()
    about = StandardPage.objects.get(slug="about")
    about.title = "Our story"
    about.save_revision().publish()
    load()
    assert ClinicSettings.for_site(demo_site).phone == "(305) 555-0134"
    assert StandardPage.objects.get(slug="about").title == "Our story"


def test_demo_admin_is_created_once_and_keeps_its_password(db, monkeypatch, tmp_path, django_user_model):
    monkeypatch.setattr(ensure_demo_admin, "PASSWORD_FILE", tmp_path / "pw")
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr("django.conf.settings.DEBUG", True)
    first = io.StringIO()
    call_command("ensure_demo_admin", stdout=first)
    password = (tmp_path / "pw").read_text().strip()
    assert f"password: {password}" in first.getvalue()
    user = django_user_model.objects.get(username="admin")
    assert user.is_superuser
    assert user.check_password(password)

    second = io.StringIO()
    call_command("ensure_demo_admin", stdout=second)
    assert django_user_model.objects.count() == 1
    assert f"password: {password}" in second.getvalue()
    user.refresh_from_db()
    assert user.check_password(password)


def test_demo_admin_needs_an_explicit_password_outside_development(db, monkeypatch):
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="DEMO_ADMIN_PASSWORD"):
        call_command("ensure_demo_admin", stdout=io.StringIO())


def test_demo_admin_message_says_two_step_verification_is_optional_in_development_only(
    db, monkeypatch, tmp_path, settings
):
    monkeypatch.setattr(ensure_demo_admin, "PASSWORD_FILE", tmp_path / "pw")
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    settings.DEBUG = True
    settings.STAFF_2FA_REQUIRED = False
    out = io.StringIO()
    call_command("ensure_demo_admin", stdout=out)
    assert "optional in this development setup only" in out.getvalue()


def test_demo_admin_message_explains_enrolment_when_two_step_verification_is_required(
    db, monkeypatch, tmp_path, settings
):
    monkeypatch.setattr(ensure_demo_admin, "PASSWORD_FILE", tmp_path / "pw")
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "a-demo-password-123")
    settings.STAFF_2FA_REQUIRED = True
    out = io.StringIO()
    call_command("ensure_demo_admin", stdout=out)
    assert "scan a QR code with an authenticator app" in out.getvalue()
