"""The password policy, wherever a password is set: the set-password link of an invitation, the
password change, the admin and ``createsuperuser``."""

import os
import pty
import select
import subprocess
import sys
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from neuewege.core import services
from neuewege.core.models import User
from tests.factories import UserFactory

GOOD = "Gelbe Tulpen tanzen leise"


@pytest.fixture
def bca(db):
    return User(email="bca.wesel@demo.neuewege.example", first_name="Birgit", last_name="Arens")


def refusal(password, user):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    return {error.code for error in refused.value.error_list}


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Passwort12", "password_common_word"),
        ("P4ssw0rt!!", "password_common_word"),  # l33t
        ("Schatz2024!", "password_common_word"),
        ("bca.wesel1", "password_too_similar"),  # the e-mail's local part and a digit
        ("BcaWesel!2026", "password_too_similar"),
        ("Arens#2026!", "password_too_similar"),  # the account's name
        ("Tr0ub4dour&3", "password_too_guessable"),
    ],
)
def test_weak_passwords_are_refused(bca, password, code):
    assert code in refusal(password, bca)


def test_region_and_town_names_with_digits_are_refused(db):
    user = User(email="anna.muster@example.org")
    assert "password_common_word" in refusal("Wesel2026!", user)
    assert "password_common_word" in refusal("Mönchengladbach1!", user)
    assert "password_common_word" in refusal("Moenchengladbach1!", user)


def test_a_good_passphrase_passes(bca):
    validate_password(GOOD, bca)
    validate_password("Sommer Regen Fahrrad", bca)


def test_the_set_password_link_refuses_a_weak_password(client, wesel):
    account = UserFactory(role=User.Role.VIEWER, regions=[wesel], email="bca.wesel@example.org")
    account.set_unusable_password()
    account.save()
    form_url = client.get(services.invitation_link(account)).url  # the token moves to the session
    for weak in ("Passwort12", "Wesel2026!", "bca.wesel1"):
        page = client.post(form_url, {"new_password1": weak, "new_password2": weak})
        assert page.status_code == 200 and "new_password2" in page.context["form"].errors, weak
    account.refresh_from_db()
    assert not account.has_usable_password()
    done = client.post(form_url, {"new_password1": GOOD, "new_password2": GOOD})
    assert done.status_code == 302
    account.refresh_from_db()
    assert account.check_password(GOOD)


def test_the_password_change_refuses_a_weak_password(client, wesel):
    user = UserFactory(role=User.Role.VIEWER, regions=[wesel], email="bca.wesel@example.org")
    client.force_login(user)
    for weak in ("Passwort12", "Wesel2026!", "bca.wesel1"):
        page = client.post(
            reverse("password_change"),
            {"old_password": "correct horse battery", "new_password1": weak, "new_password2": weak},
        )
        assert page.status_code == 200 and page.context["form"].errors, weak
    user.refresh_from_db()
    assert user.check_password("correct horse battery")


def test_the_admin_refuses_a_weak_password(client, db):
    client.force_login(User.objects.create_superuser("admin@example.org", "x"))
    page = client.post(
        "/admin/core/user/add/",
        {"email": "bca.wesel@example.org", "password1": "bca.wesel1", "password2": "bca.wesel1"},
    )
    assert page.status_code == 200 and not User.objects.filter(email="bca.wesel@example.org")


def test_createsuperuser_refuses_a_weak_password(tmp_path):
    """The interactive command in a terminal of its own: the weak password is refused, and the
    operator who does not bypass the policy gets no account."""
    database = tmp_path / "db.sqlite3"
    env = os.environ | {"DATABASE_URL": f"sqlite:///{database}"}
    command = [os.path.join(os.path.dirname(sys.executable), "neuewege")]
    subprocess.run([*command, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [*command, "createsuperuser"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=env,
        start_new_session=True,  # no controlling terminal: getpass reads the one given
    )
    os.close(terminal)
    output = b""

    def answer_after(prompt, answer):
        nonlocal output
        deadline = time.monotonic() + 60
        while prompt not in output and time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 1)
            if ready:
                output += os.read(controller, 4096)
        assert prompt in output, output.decode(errors="replace")
        os.write(controller, answer + b"\n")

    answer_after(b"E-Mail", b"admin@example.org")
    answer_after(b"Password:", b"Wesel2026!")
    answer_after(b"Password (again):", b"Wesel2026!")
    answer_after(b"[y/N]", b"N")
    answer_after(b"Password:", b"")  # asked again: give up
    process.terminate()
    process.wait(timeout=30)
    os.close(controller)
    assert b"Ortsname" in output  # the message in the default language
    count = subprocess.run(
        [
            *command,
            "shell",
            "-c",
            "from neuewege.core.models import User; print(User.objects.count())",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert count.stdout.split()[-1] == "0"
