"""Staff sign-in: lockout after repeated failures (django-axes) and sessions that end."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import F

from clinic.accounts import SESSION_SEEN_KEY, SESSION_STARTED_KEY

LOGIN_URL = "/admin/login/"


@pytest.fixture
def staff(db, django_user_model):
    user = django_user_model.objects.create_user(username="ashley", password="right-password-1")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def colleague(db, django_user_model):
    user = django_user_model.objects.create_user(username="jordan", password="right-password-2")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def sign_in(client, username, password, **extra):
    client.get(LOGIN_URL, **extra)
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def fail_five_times(client, username, **extra):
    for _ in range(5):
        sign_in(client, username, "wrong-password", **extra)


def test_five_wrong_passwords_then_the_right_one_is_refused_with_a_message(client, staff):
    fail_five_times(client, "ashley")
    response = sign_in(client, "ashley", "right-password-1")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert not signed_in(client)


def test_lockout_page_is_the_admin_sign_in_page(client, staff):
    fail_five_times(client, "ashley")
    page = sign_in(client, "ashley", "right-password-1").content.decode()
    assert 'class="login-form"' in page
    assert "wagtailadmin/css/core.css" in page


def test_spacing_the_username_differently_does_not_buy_more_guesses(client, staff):
    """The sign-in form strips the username: each spacing of one account counts against the same
    five tries."""
    for username in [" ashley", "ashley ", "\tashley", " ashley ", "ashley"]:
        sign_in(client, username, "wrong-password")
    assert sign_in(client, "ashley", "right-password-1").status_code == 429


def test_another_case_of_the_username_is_another_account_so_it_guesses_nothing(client, staff):
    """Usernames are case-sensitive: "Ashley" has tries of its own, but no password signs it in as
    ashley, so they cannot be used to guess hers."""
    assert sign_in(client, "Ashley", "right-password-1").status_code == 200  # the form again
    assert not signed_in(client)


def test_four_wrong_passwords_do_not_lock_the_account(client, staff):
    for _ in range(4):
        sign_in(client, "ashley", "wrong-password")
    assert sign_in(client, "ashley", "right-password-1").status_code == 302


def test_lockout_leaves_other_accounts_alone(client, staff, colleague):
    fail_five_times(client, "ashley")
    assert sign_in(client, "jordan", "right-password-2").status_code == 302


def test_lockout_is_per_client_address(client, staff):
    fail_five_times(client, "ashley", REMOTE_ADDR="203.0.113.7")
    assert sign_in(client, "ashley", "right-password-1", REMOTE_ADDR="198.51.100.4").status_code == 302


def test_lockout_reads_the_address_from_the_proxy_header(client, staff, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    fail_five_times(client, "ashley", HTTP_X_REAL_IP="203.0.113.7")
    attempt = AccessAttempt.objects.get()
    assert attempt.ip_address == "203.0.113.7"


def test_sign_in_works_again_after_the_cool_off(client, staff):
    fail_five_times(client, "ashley")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert sign_in(client, "ashley", "right-password-1").status_code == 302


def test_staff_unlock_command_lets_the_user_in(client, staff):
    fail_five_times(client, "ashley")
    call_command("axes_reset_username", "ashley", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sign_in(client, "ashley", "right-password-1").status_code == 302


# Sessions ----------------------------------------------------------------------------------------


def age_session(client, *, started_ago: float, seen_ago: float) -> None:
    session = client.session
    now = time.time()
    session[SESSION_STARTED_KEY] = now - started_ago
    session[SESSION_SEEN_KEY] = now - seen_ago
    session.save()


def test_sign_in_starts_the_staff_session_clock(client, staff):
    sign_in(client, "ashley", "right-password-1")
    assert client.session[SESSION_STARTED_KEY] == pytest.approx(time.time(), abs=5)


def test_session_ends_after_a_working_day_even_when_busy(client, staff):
    sign_in(client, "ashley", "right-password-1")
    age_session(client, started_ago=10 * 3600 + 60, seen_ago=30)
    assert not signed_in(client)


def test_session_ends_after_idle_time(client, staff):
    sign_in(client, "ashley", "right-password-1")
    age_session(client, started_ago=3600, seen_ago=46 * 60)
    assert not signed_in(client)


def test_session_lives_on_within_the_day_while_in_use(client, staff):
    sign_in(client, "ashley", "right-password-1")
    age_session(client, started_ago=9 * 3600, seen_ago=40 * 60)
    assert signed_in(client)


def test_each_request_keeps_an_idle_session_alive(client, staff):
    sign_in(client, "ashley", "right-password-1")
    age_session(client, started_ago=3600, seen_ago=30 * 60)
    client.get("/admin/")
    assert client.session[SESSION_SEEN_KEY] == pytest.approx(time.time(), abs=5)


def test_ended_session_says_so_on_the_sign_in_page(client, staff):
    sign_in(client, "ashley", "right-password-1")
    age_session(client, started_ago=3600, seen_ago=46 * 60)
    page = client.get("/admin/", follow=True).content.decode()
    assert "Your session has ended" in page
