"""Sign-in throttling through the real forms (the staff sign-in page and the admin's): the 9th
attempt fails whatever the password, for 15 minutes, per account and client address as the
reverse proxy saw it; a guessing run from many addresses locks the account for a while."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from neuewege.core.models import User
from tests.factories import UserFactory

PASSWORD = "correct horse battery"  # the factories' password
PROXY = "10.0.0.1"  # the reverse proxy in front of the application


@pytest.fixture
def viewer(wesel):
    return UserFactory(role=User.Role.VIEWER, regions=[wesel], email="koordination@wesel.example")


@pytest.fixture
def behind_a_proxy(settings):
    settings.PROXY_COUNT = 1


def attempt(client, email, password, *, path="/login/", address=None, forwarded=None):
    """One sign-in through the form; the client's cookies are dropped, so every attempt comes
    fresh (as a guessing script's would)."""
    client.cookies.clear()
    meta = {"REMOTE_ADDR": address or "127.0.0.1"}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    response = client.post(path, {"username": email, "password": password}, **meta)
    signed_in = SESSION_KEY in client.session
    return response, signed_in


def fail_times(client, email, times, **where):
    statuses = [
        attempt(client, email, "wrong password", **where)[0].status_code for _ in range(times)
    ]
    return statuses


def wait_out_the_cool_off():
    """15 minutes pass: the recorded failures are older than the cool-off."""
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=16)
    )


def test_the_ninth_attempt_fails_whatever_the_password(client, viewer):
    statuses = fail_times(client, viewer.email, 8)
    assert statuses == [200] * 7 + [429]  # the form's error seven times, then the lock
    response, signed_in = attempt(client, viewer.email, PASSWORD)
    assert response.status_code == 429 and not signed_in
    page = response.content.decode()
    assert "Zu viele Versuche" in page and "Bitte versuchen Sie es nach" in page


def test_after_the_cool_off_the_right_password_signs_in(client, viewer):
    fail_times(client, viewer.email, 8)
    assert attempt(client, viewer.email, PASSWORD)[0].status_code == 429
    wait_out_the_cool_off()
    response, signed_in = attempt(client, viewer.email, PASSWORD)
    assert response.status_code == 302 and signed_in


def test_the_address_is_one_account_whatever_its_case(client, viewer):
    response, signed_in = attempt(client, " Koordination@Wesel.example ", PASSWORD)
    assert response.status_code == 302 and signed_in
    for spelling in ["Koordination@wesel.example", "KOORDINATION@WESEL.EXAMPLE"] * 4:
        attempt(client, spelling, "wrong password")
    response, signed_in = attempt(client, "koordination@wesel.example", PASSWORD)
    assert response.status_code == 429 and not signed_in
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {viewer.email}


def test_the_admin_sign_in_is_throttled_too(client, db):
    admin = User.objects.create_superuser("admin@example.org", PASSWORD)
    statuses = fail_times(client, admin.email, 8, path="/admin/login/")
    assert statuses[-1] == 429
    response, signed_in = attempt(client, admin.email, PASSWORD, path="/admin/login/")
    assert response.status_code == 429 and not signed_in
    # one count for both forms: the staff sign-in refuses too
    assert attempt(client, admin.email, PASSWORD)[0].status_code == 429


def test_failures_at_one_form_count_at_the_other(client, db):
    admin = User.objects.create_superuser("admin@example.org", PASSWORD)
    fail_times(client, admin.email, 4)
    fail_times(client, admin.email, 4, path="/admin/login/")
    response, signed_in = attempt(client, admin.email, PASSWORD, path="/admin/login/")
    assert response.status_code == 429 and not signed_in


def test_addresses_behind_the_proxy_are_counted_separately(client, viewer, behind_a_proxy):
    fail_times(client, viewer.email, 8, address=PROXY, forwarded="203.0.113.5")
    guessed, _ = attempt(client, viewer.email, PASSWORD, address=PROXY, forwarded="203.0.113.5")
    assert guessed.status_code == 429
    # the person at another address is not locked out by the stranger's failures
    response, signed_in = attempt(
        client, viewer.email, PASSWORD, address=PROXY, forwarded="198.51.100.7"
    )
    assert response.status_code == 302 and signed_in


def test_a_forged_forwarded_entry_does_not_escape_the_lock(client, viewer, behind_a_proxy):
    fail_times(client, viewer.email, 8, address=PROXY, forwarded="203.0.113.5")
    # the client writes an address of its choice; the proxy appends the one it saw
    for forged in ["198.51.100.7, 203.0.113.5", "1.2.3.4,203.0.113.5", "x, 203.0.113.5"]:
        response, signed_in = attempt(
            client, viewer.email, PASSWORD, address=PROXY, forwarded=forged
        )
        assert response.status_code == 429 and not signed_in, forged
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}


def test_guessing_one_account_from_many_addresses_locks_it_for_a_while(
    client, viewer, behind_a_proxy
):
    """Credential stuffing: 8 failures from each of five addresses lock the account for every
    address, also for the right password; the lock ends by itself after the cool-off."""
    for number in range(4):
        fail_times(client, viewer.email, 8, address=PROXY, forwarded=f"203.0.113.{number}")
    # four addresses (32 failures) are not enough to lock the person out
    response, signed_in = attempt(
        client, viewer.email, PASSWORD, address=PROXY, forwarded="198.51.100.7"
    )
    assert response.status_code == 302 and signed_in
    fail_times(client, viewer.email, 8, address=PROXY, forwarded="203.0.113.4")
    response, signed_in = attempt(
        client, viewer.email, PASSWORD, address=PROXY, forwarded="198.51.100.8"
    )
    assert response.status_code == 429 and not signed_in
    wait_out_the_cool_off()
    response, signed_in = attempt(
        client, viewer.email, PASSWORD, address=PROXY, forwarded="198.51.100.8"
    )
    assert response.status_code == 302 and signed_in


def test_other_accounts_at_the_same_address_can_still_sign_in(client, viewer, wesel):
    colleague = UserFactory(role=User.Role.VIEWER, regions=[wesel], email="kollegin@wesel.example")
    fail_times(client, viewer.email, 8)
    response, signed_in = attempt(client, colleague.email, PASSWORD)
    assert response.status_code == 302 and signed_in


def test_the_locked_out_page_says_when_to_try_again_in_english(client, viewer):
    fail_times(client, viewer.email, 8)
    client.cookies.clear()
    response = client.post(
        reverse("login"),
        {"username": viewer.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert response.status_code == 429 and int(response["Retry-After"]) >= 15 * 60
    assert "Too many attempts" in page and "Please try again after" in page
    assert "15 minutes" in page
