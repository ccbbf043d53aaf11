"""Passwords cannot be guessed, nor reset emails sent, without limit: page and collection
passwords (per client address) and the staff password reset (per address and per client)."""

from html import unescape

import pytest

from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client

from wagtail.documents.models import Document
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from tests import factories

GUESSES_PAUSED = "Too many passwords were tried from your network"
RESETS_PAUSED = "Too many password reset emails were asked for"
RESET = "/admin/password_reset/"


@pytest.fixture
def rates(settings):
    settings.PAGE_PASSWORD_RATE_LIMIT = "3/h"
    settings.PASSWORD_RESET_RATE_LIMIT = "2/h"


@pytest.fixture
def members_page(home):
    page = factories.StandardPageFactory(parent=home, title="Members", slug="members")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type="password", password="knee-2026"
    )
    return f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/"


@pytest.fixture
def members_collection(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    collection = Collection.get_first_root_node().add_child(name="Members")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type="password", password="knee-2026"
    )
    document = Document.objects.create(
        title="Exercises", collection=collection, file=ContentFile(b"squats", name="exercises.txt")
    )
    return f"/documents/authenticate_with_password/{restriction.pk}/", document.url


def guess(client, url, password, return_url="/members/"):
    return client.post(url, {"password": password, "return_url": return_url})


def test_the_right_page_password_opens_the_page(client, rates, members_page):
    response = guess(client, members_page, "knee-2026")
    assert response.status_code == 302
    assert client.get("/members/").status_code == 200


def test_a_wrong_page_password_says_so(client, rates, members_page):
    response = guess(client, members_page, "hip")
    assert "not correct" in unescape(response.content.decode())


def test_page_password_guesses_are_paused_with_a_message(client, rates, members_page):
    for attempt in ["hip", "back", "foot"]:
        guess(client, members_page, attempt)
    response = guess(client, members_page, "knee-2026")
    assert response.status_code == 429
    assert GUESSES_PAUSED in unescape(response.content.decode())
    assert "You need a password" in client.get("/members/").content.decode()


def test_a_paused_network_does_not_hold_up_another(client, rates, members_page):
    for attempt in ["hip", "back", "foot", "neck"]:
        guess(client, members_page, attempt)
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert guess(other, members_page, "knee-2026").status_code == 302


def test_collection_password_guesses_are_paused_too(client, rates, members_collection):
    url, document = members_collection
    for attempt in ["hip", "back", "foot"]:
        guess(client, url, attempt, return_url=document)
    response = guess(client, url, "knee-2026", return_url=document)
    assert response.status_code == 429
    assert GUESSES_PAUSED in unescape(response.content.decode())
    assert b"squats" not in client.get(document).content  # the password form again


def test_the_right_collection_password_opens_the_document(client, rates, members_collection):
    url, document = members_collection
    assert guess(client, url, "knee-2026", return_url=document).status_code == 302
    assert b"".join(client.get(document).streaming_content) == b"squats"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        username="ann", email="ann@example.com", password="pw-ann-123"
    )


def test_password_reset_emails_one_address_at_most_the_limit(rates, staff):
    for n, spelling in enumerate(["ann@example.com", "Ann@Example.com", "ANN@example.com"]):
        Client(REMOTE_ADDR=f"198.51.100.{n + 1}").post(RESET, {"email": spelling})
    assert len(mail.outbox) == 2


def test_password_reset_requests_from_one_client_are_paused_with_a_message(client, rates, staff):
    for n in range(2):
        assert client.post(RESET, {"email": f"someone{n}@example.com"}).status_code == 302
    response = client.post(RESET, {"email": "ann@example.com"})
    assert response.status_code == 429
    assert RESETS_PAUSED in unescape(response.content.decode())
    assert mail.outbox == []


def test_password_reset_still_emails_within_the_limit(client, rates, staff):
    assert client.post(RESET, {"email": "ann@example.com"}).status_code == 302
    assert mail.outbox[0].to == ["ann@example.com"]
