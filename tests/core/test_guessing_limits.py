"""Guessing the other secrets of an account is limited per client address (core/limits.py), as
the reverse proxy saw it: API tokens, set-password links, codes of the second factor. Beyond the
limit every attempt from that address is refused for a while — the right secret too, so that a
refusal tells nothing — and other addresses are not slowed down. Password confirmations
(password change, removing the second factor) count towards the sign-in throttling."""

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from neuewege.core import services
from neuewege.core.models import User
from tests.factories import UserFactory
from tests.second_factor import SignInClient

from .test_second_factor import code_of

PASSWORD = "correct horse battery"  # the factories' password
PROXY = "10.0.0.1"
GUESSER, OTHER = "203.0.113.5", "198.51.100.7"


@pytest.fixture(autouse=True)
def behind_a_proxy(settings):
    settings.PROXY_COUNT = 1


def client_at(address):
    """A client whose requests reach the application through the reverse proxy (its
    ``force_login`` passes the second factor, tests/second_factor.py)."""
    return SignInClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


def later(monkeypatch, seconds):
    """``seconds`` pass (the limits' counters expire in the cache)."""
    now = time.time() + seconds
    monkeypatch.setattr(time, "time", lambda: now)


# API tokens


def api_get(client, token):
    return client.get("/api/v1/regions", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_wrong_api_tokens_from_one_address_are_answered_429_for_a_while(coordinator, monkeypatch):
    _token, secret = services.create_api_token(user=coordinator, name="Fachverfahren")
    guesser = client_at(GUESSER)
    statuses = [api_get(guesser, f"nw_guess{number:04d}").status_code for number in range(20)]
    assert statuses == [401] * 20
    refused = api_get(guesser, secret)  # the right token too: a refusal tells nothing
    assert refused.status_code == 429 and refused.json()["detail"]
    assert int(refused["Retry-After"]) >= 60
    assert api_get(guesser, "nw_guess9999").status_code == 429
    # valid tokens of others are answered as before, without waiting
    assert api_get(client_at(OTHER), secret).status_code == 200
    # the limit ends by itself
    later(monkeypatch, 301)
    assert api_get(guesser, secret).status_code == 200


def test_valid_tokens_are_not_counted(coordinator):
    _token, secret = services.create_api_token(user=coordinator, name="Fachverfahren")
    script = client_at(GUESSER)
    assert {api_get(script, secret).status_code for _ in range(40)} == {200}
    # and a signed-in browser at a guessing address is not affected (no token to check)
    for number in range(20):
        api_get(script, f"nw_guess{number:04d}")
    browser = client_at(GUESSER)
    browser.force_login(coordinator)
    assert browser.get("/api/v1/regions").status_code == 200


# Set-password links


def set_password_link(user, token=None):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = token or default_token_generator.make_token(user)
    return reverse("password_reset_confirm", args=[uid, token])


def test_wrong_set_password_links_from_one_address_are_refused_for_a_while(db, monkeypatch):
    invited = UserFactory(email="neu@wesel.example")
    guesser = client_at(GUESSER)
    for number in range(20):
        page = guesser.get(set_password_link(invited, f"d3adb-{number:032x}"))
        assert page.status_code == 200 and not page.context["validlink"]
    refused = guesser.get(set_password_link(invited))  # the real link too
    assert refused.status_code == 429
    assert "Zu viele Versuche" in refused.content.decode()
    # the invited person at another address opens the form
    opened = client_at(OTHER).get(set_password_link(invited))
    assert opened.status_code == 302 and opened["Location"].endswith("/set-password/")
    later(monkeypatch, 901)
    assert guesser.get(set_password_link(invited)).status_code == 302


def test_setting_the_password_through_the_link_counts_nothing(db):
    invited = UserFactory(email="neu@wesel.example")
    person = client_at(GUESSER)
    form_url = person.get(set_password_link(invited))["Location"]
    for _ in range(25):  # reloading the form is not guessing
        assert person.get(form_url).status_code == 200
    new = "Leuchtturm-Kaffeetasse-93"
    done = person.post(form_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    invited.refresh_from_db()
    assert invited.check_password(new)


# Codes of the second factor


def signed_in_at(address, user):
    client = client_at(address)
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert SESSION_KEY in client.session
    return client


def coordinators(wesel, count):
    accounts = []
    for number in range(count):
        user = UserFactory(
            role=User.Role.COORDINATOR, regions=[wesel], email=f"koordination{number}@wesel.example"
        )
        TOTPDevice.objects.create(user=user, name="App", confirmed=True)
        accounts.append(user)
    return accounts


def wrong_code(device):
    return f"{(int(code_of(device)) + 500_000) % 1_000_000:06d}"


def test_wrong_codes_from_one_address_count_across_accounts(wesel, monkeypatch):
    """With stolen passwords of many accounts, one address cannot try a code at each of them:
    ten wrong codes (one per account, so no device slows down much), then every code from
    that address is refused, the right one too."""
    *tried, eleventh = coordinators(wesel, 11)
    for user in tried:
        page = signed_in_at(GUESSER, user).post(
            reverse("second-factor-verify"), {"code": wrong_code(user.totpdevice_set.get())}
        )
        assert page.status_code == 200 and page.context["form"].errors["code"]
    client = signed_in_at(GUESSER, eleventh)
    device = eleventh.totpdevice_set.get()
    refused = client.post(reverse("second-factor-verify"), {"code": code_of(device)})
    assert refused.status_code == 429
    assert "Zu viele falsche Codes von Ihrer Verbindung" in str(
        refused.context["form"].errors["code"]
    )
    assert client.get(reverse("region-home", args=[wesel.key])).status_code == 302
    # the person at another address signs in with the same code
    elsewhere = signed_in_at(OTHER, eleventh)
    passed = elsewhere.post(reverse("second-factor-verify"), {"code": code_of(device)})
    assert passed.status_code == 302
    assert elsewhere.get(reverse("region-home", args=[wesel.key])).status_code == 200
    # after the window the address may try again
    later(monkeypatch, 901)
    device.refresh_from_db()
    page = client.post(reverse("second-factor-verify"), {"code": wrong_code(device)})
    assert page.status_code == 200


def test_wrong_codes_at_the_removal_count_too(wesel):
    """Removing the factor asks for a code as well: the same limit per address."""
    first, *others = coordinators(wesel, 11)
    client = signed_in_at(GUESSER, first)
    device = first.totpdevice_set.get()
    client.post(reverse("second-factor-verify"), {"code": code_of(device)})
    url = reverse("second-factor-remove")
    for user in others:
        signed_in_at(GUESSER, user).post(
            reverse("second-factor-verify"), {"code": wrong_code(user.totpdevice_set.get())}
        )
    refused = client.post(url, {"password": PASSWORD, "code": code_of(device, steps_ahead=1)})
    assert refused.status_code == 429 and refused.context["form"].errors["code"]
    assert TOTPDevice.objects.filter(user=first).exists()


# Password confirmations count towards the sign-in throttling


def test_wrong_passwords_at_the_password_change_lock_the_account_like_sign_in(staff):
    client = client_at(GUESSER)
    client.force_login(staff)
    url = reverse("password_change")

    def change(old):
        new = "Leuchtturm-Kaffeetasse-93"
        return client.post(url, {"old_password": old, "new_password1": new, "new_password2": new})

    statuses = [change("wrong password").status_code for _ in range(8)]
    assert statuses == [200] * 7 + [429]
    refused = change(PASSWORD)  # the right password too
    assert refused.status_code == 429
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)
    # one count with the sign-in form: it refuses the right password from that address too
    sign_in = client_at(GUESSER).post(
        reverse("login"), {"username": staff.email, "password": PASSWORD}
    )
    assert sign_in.status_code == 429


def test_wrong_passwords_at_the_removal_lock_the_account_like_sign_in(coordinator):
    client = client_at(GUESSER)
    client.force_login(coordinator)
    device = TOTPDevice.objects.get(user=coordinator)
    url = reverse("second-factor-remove")
    statuses = [
        client.post(url, {"password": "wrong password", "code": code_of(device)}).status_code
        for _ in range(8)
    ]
    assert statuses == [200] * 7 + [429]
    refused = client.post(url, {"password": PASSWORD, "code": code_of(device)})
    assert refused.status_code == 429
    assert TOTPDevice.objects.filter(user=coordinator).exists()
    sign_in = client_at(GUESSER).post(
        reverse("login"), {"username": coordinator.email, "password": PASSWORD}
    )
    assert sign_in.status_code == 429
