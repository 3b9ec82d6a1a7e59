"""The second factor, enforced: a password alone opens nothing but the step it still owes."""

import base64
import re
import time

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from neuewege.core import services
from neuewege.core.access import access_for
from neuewege.core.models import RecoveryCode, User
from tests.factories import UserFactory

PASSWORD = "correct horse battery"


def sign_in(client, user, **extra):
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD}, **extra)
    return SESSION_KEY in client.session


def code_of(device, steps_ahead=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


@pytest.fixture
def app_of(db):
    def make(user):
        return TOTPDevice.objects.create(user=user, name="App", confirmed=True)

    return make


def test_who_must_use_a_second_factor(wesel, coordinator, state_user, staff, family_centre):
    viewer = UserFactory(role=User.Role.VIEWER, regions=[wesel])
    admin = User.objects.create_superuser("admin@example.org", "x")
    assert access_for(coordinator).must_use_second_factor
    assert access_for(state_user).must_use_second_factor
    assert access_for(admin).must_use_second_factor
    assert not access_for(staff).must_use_second_factor
    assert not access_for(viewer).must_use_second_factor
    wesel.second_factor_required = True
    wesel.save()
    assert access_for(User.objects.get(pk=staff.pk)).must_use_second_factor
    assert access_for(User.objects.get(pk=viewer.pk)).must_use_second_factor


def test_a_coordinator_without_a_factor_gets_only_the_set_up_page(coordinator, wesel):
    client = Client()
    assert sign_in(client, coordinator)
    for url in (
        reverse("home"),
        reverse("region-home", args=[wesel.key]),
        reverse("account-list", args=[wesel.key]),
        reverse("second-factor"),
        "/admin/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("second-factor-setup")), url
    assert client.get(reverse("second-factor-setup")).status_code == 200
    assert client.get("/api/v1/regions").status_code == 401  # the API refuses the session too


def test_set_up_with_the_shown_key_then_recovery_codes_once(coordinator, wesel):
    client = Client()
    sign_in(client, coordinator)
    page = client.get(reverse("second-factor-setup") + "?next=/regions/05170/")
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page.content.decode()).group(1)
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    assert base64.b32decode(secret) == device.bin_key
    wrong = client.post(reverse("second-factor-setup"), {"code": "000000"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"][0].startswith("Dieser Code ist nicht gültig.")
    device.throttle_reset()
    done = client.post(
        reverse("second-factor-setup"), {"code": code_of(device), "next": "/regions/05170/"}
    )
    codes = re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", done.content.decode())
    assert len(codes) == 10
    assert client.get(reverse("region-home", args=[wesel.key])).status_code == 200
    # only digests are stored
    stored = set(RecoveryCode.objects.values_list("digest", flat=True))
    assert not stored & set(codes) and len(stored) == 10
    entry = LogEntry.objects.filter(object_pk=str(coordinator.pk)).latest("timestamp")
    assert entry.changes_dict == {"second factor": ["", "set up"]}


def test_with_a_wrong_code_the_coordinator_stays_out(coordinator, wesel, app_of):
    device = app_of(coordinator)
    client = Client()
    assert sign_in(client, coordinator)
    assert client.get(reverse("region-home", args=[wesel.key]))["Location"].startswith(
        reverse("second-factor-verify")
    )
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"
    page = client.post(reverse("second-factor-verify"), {"code": wrong})
    assert page.status_code == 200
    # one mistyped code is wrong, not "too many" (although the device now waits a second)
    assert page.context["form"].errors["code"] == [
        "Dieser Code ist nicht gültig. Prüfen Sie die Uhrzeit Ihres Telefons und versuchen Sie "
        "den neuesten Code."
    ]
    assert client.get(reverse("region-home", args=[wesel.key])).status_code == 302


def test_the_code_step_limits_guessing(coordinator, wesel, app_of):
    """After a wrong code even the right one is refused until the wait is over (1, 2, 4 …
    seconds, doubling with every failure)."""
    device = app_of(coordinator)
    client = Client()
    sign_in(client, coordinator)
    client.post(reverse("second-factor-verify"), {"code": "000000"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    refused = client.post(reverse("second-factor-verify"), {"code": code_of(device)})
    assert "Zu viele falsche Codes" in refused.content.decode()
    assert client.get(reverse("region-home", args=[wesel.key])).status_code == 302
    device.throttle_reset()
    client.post(reverse("second-factor-verify"), {"code": code_of(device)})
    assert client.get(reverse("region-home", args=[wesel.key])).status_code == 200


def test_the_right_code_opens_the_page_asked_for(coordinator, wesel, app_of):
    device = app_of(coordinator)
    client = Client()
    sign_in(client, coordinator)
    target = reverse("account-list", args=[wesel.key])
    step = client.get(target)["Location"]
    page = client.post(step, {"code": code_of(device), "next": target})
    assert page.status_code == 302 and page["Location"] == target
    assert client.get(target).status_code == 200


def test_a_code_is_accepted_once(coordinator, app_of):
    device = app_of(coordinator)
    code = code_of(device)
    first, second = Client(), Client()
    sign_in(first, coordinator)
    sign_in(second, coordinator)
    first.post(reverse("second-factor-verify"), {"code": code})
    replay = second.post(reverse("second-factor-verify"), {"code": code})
    assert replay.status_code == 200 and replay.context["form"].errors["code"]


def test_a_recovery_code_works_once(coordinator, wesel, app_of):
    app_of(coordinator)
    codes = services.new_recovery_codes(user=coordinator)
    client = Client()
    sign_in(client, coordinator)
    client.post(reverse("second-factor-verify"), {"code": codes[0].lower().replace("-", " ")})
    assert client.get(reverse("region-home", args=[wesel.key])).status_code == 200
    again = Client()
    sign_in(again, coordinator)
    page = again.post(reverse("second-factor-verify"), {"code": codes[0]})
    assert page.status_code == 200 and page.context["form"].errors["code"]


def test_an_optional_factor_is_asked_for_once_set_up(staff, family_centre, app_of):
    client = Client()
    sign_in(client, staff)
    assert client.get(reverse("second-factor")).status_code == 200  # no factor: not asked
    app_of(staff)
    client.logout()
    sign_in(client, staff)
    assert client.get(reverse("second-factor"))["Location"].startswith(
        reverse("second-factor-verify")
    )


def test_a_region_can_require_it_for_all_its_accounts(client, coordinator, wesel, staff):
    client.force_login(coordinator)
    client.post(reverse("region-second-factor", args=[wesel.key]), {"required": "on"})
    wesel.refresh_from_db()
    assert wesel.second_factor_required
    colleague = Client()
    sign_in(colleague, staff)
    assert colleague.get(reverse("home"))["Location"].startswith(reverse("second-factor-setup"))


def test_removing_needs_password_and_code(client, coordinator, app_of):
    client.force_login(coordinator)
    device = TOTPDevice.objects.get(user=coordinator)
    url = reverse("second-factor-remove")
    wrong_password = client.post(url, {"password": "nope", "code": code_of(device)})
    assert wrong_password.context["form"].errors["password"]
    wrong_code = client.post(url, {"password": PASSWORD, "code": "12345"})
    assert wrong_code.context["form"].errors["code"]
    assert TOTPDevice.objects.filter(user=coordinator).exists()
    device.throttle_reset()
    client.post(url, {"password": PASSWORD, "code": code_of(device, steps_ahead=1)})
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    # a coordinator must have one: the next page is the set-up
    assert client.get(reverse("home"))["Location"].startswith(reverse("second-factor-setup"))


def test_the_coordinator_resets_a_lost_factor_and_the_change_log_says_so(
    client, coordinator, wesel, staff, app_of
):
    app_of(staff)
    client.force_login(coordinator)
    page = client.get(reverse("account-list", args=[wesel.key])).content.decode()
    url = reverse("account-second-factor-reset", args=[wesel.key, staff.pk])
    assert url in page
    client.post(url)
    assert not TOTPDevice.objects.filter(user=staff).exists()
    entry = LogEntry.objects.filter(object_pk=str(staff.pk)).latest("timestamp")
    assert entry.actor == coordinator
    assert entry.changes_dict == {"second factor": ["", "reset by the coordinator"]}
    assert entry.additional_data == {"region": wesel.pk}


def test_a_coordinator_cannot_reset_the_state_levels_factor(client, coordinator, wesel, app_of):
    state = UserFactory(role=User.Role.STATE)
    app_of(state)
    client.force_login(coordinator)
    response = client.post(reverse("account-second-factor-reset", args=[wesel.key, state.pk]))
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=state).exists()


def test_the_admin_needs_the_second_factor(app_of, db):
    admin = User.objects.create_superuser("admin@example.org", PASSWORD)
    device = app_of(admin)
    client = Client()
    client.post("/admin/login/?next=/admin/", {"username": admin.email, "password": PASSWORD})
    assert client.get("/admin/")["Location"].startswith(reverse("second-factor-verify"))
    client.post(reverse("second-factor-verify"), {"code": code_of(device)})
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_colleague_is_asked_within_minutes_once_the_region_requires_it(
    client, coordinator, wesel, staff, monkeypatch
):
    colleague = Client()
    sign_in(colleague, staff)
    assert colleague.get(reverse("region-home", args=[wesel.key])).status_code == 200
    client.force_login(coordinator)
    client.post(reverse("region-second-factor", args=[wesel.key]), {"required": "on"})
    # the session remembers for a few minutes that it owed nothing, then asks again
    assert colleague.get(reverse("region-home", args=[wesel.key])).status_code == 200
    later = time.time() + 301
    monkeypatch.setattr("neuewege.core.middleware.time.time", lambda: later)
    response = colleague.get(reverse("region-home", args=[wesel.key]))
    assert response["Location"].startswith(reverse("second-factor-setup"))
