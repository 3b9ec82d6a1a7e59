"""Account addresses stored in capitals before signing in normalised them: the data migration
stores them in lower case, and leaves accounts that differ only in case for an operator."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from neuewege.core.models import User
from tests.factories import UserFactory

PASSWORD = "correct horse battery"  # the factories' password
MIGRATION = "0007_lowercase_account_emails"


def signs_in(email):
    client = Client()
    client.post(reverse("login"), {"username": email, "password": PASSWORD})
    return SESSION_KEY in client.session


def stored(email, **fields):
    """An account as an earlier version stored it: the address exactly as typed."""
    return UserFactory(email=email, **fields)


def run_the_migration():
    """The real migration on the test database: back to the one before it, then forward — to
    it, and on to the latest, so that the accounts are read with the model as it is now."""
    call_command("migrate", "core", "0006", verbosity=0)
    call_command("migrate", "core", MIGRATION, verbosity=0)
    call_command("migrate", verbosity=0)


@pytest.fixture
def latest_migrations_afterwards(transactional_db):
    """The migration is run from the one before it: afterwards every later migration again,
    for the tests that follow on this database."""
    yield
    call_command("migrate", verbosity=0)


@pytest.mark.usefixtures("latest_migrations_afterwards")
def test_addresses_in_capitals_are_stored_in_lower_case_and_sign_in_again():
    account = stored("Koordination@Kreis-Wesel.DE")
    other = stored("land@nrw.example")
    assert not signs_in("Koordination@Kreis-Wesel.DE")  # sign-in looks for lower case
    run_the_migration()
    account.refresh_from_db()
    assert account.email == "koordination@kreis-wesel.de"
    assert User.objects.get(pk=other.pk).email == "land@nrw.example"
    assert signs_in("Koordination@Kreis-Wesel.DE")
    assert signs_in("koordination@kreis-wesel.de")


@pytest.mark.usefixtures("latest_migrations_afterwards")
def test_accounts_that_differ_only_in_case_are_left_and_listed(capsys):
    upper = stored("Anna.Schmidt@Wesel.example", role=User.Role.COORDINATOR)
    lower = stored("anna.schmidt@wesel.example")
    shouting = stored("ANNA.SCHMIDT@WESEL.EXAMPLE")
    single = stored("Ben@Wesel.example")
    run_the_migration()
    output = capsys.readouterr().out
    # nothing merged, nothing chosen: all three stay as they were, and each is named
    for account in (upper, lower, shouting):
        before = account.email
        account.refresh_from_db()
        assert account.email == before
        assert f"account {account.pk}: {before}" in output
    assert "(coordinator, last sign-in never)" in output
    assert "Ben@Wesel.example" not in output
    assert User.objects.get(pk=single.pk).email == "ben@wesel.example"
    assert User.objects.count() == 4
    # the address already in lower case signs in as before; the others wait for the operator
    assert signs_in("Anna.Schmidt@wesel.example")
    assert User.objects.get(email="anna.schmidt@wesel.example").pk == lower.pk


@pytest.mark.usefixtures("latest_migrations_afterwards")
def test_running_it_again_changes_nothing(capsys):
    stored("Koordination@Kreis-Wesel.DE")
    run_the_migration()
    run_the_migration()
    assert list(User.objects.values_list("email", flat=True)) == ["koordination@kreis-wesel.de"]
    assert capsys.readouterr().out == ""


def test_addresses_entered_in_the_admin_are_stored_in_lower_case(client, db):
    """What the migration repairs cannot come back: the admin stores the address as sign-in
    finds it, and refuses an address that differs from an account's only in case."""
    client.force_login(User.objects.create_superuser("admin@example.org", PASSWORD))
    UserFactory(email="anna.schmidt@wesel.example")

    def add(email):
        return client.post(
            reverse("admin:core_user_add"),
            {
                "email": email,
                "password1": "Kaffeetasse-Leuchtturm-93",
                "password2": "Kaffeetasse-Leuchtturm-93",
                "usable_password": "true",
                "role": User.Role.VIEWER,
            },
        )

    assert add(" Ben.Braun@Wesel.example").status_code == 302
    assert User.objects.filter(email="ben.braun@wesel.example").exists()
    refused = add("Anna.Schmidt@Wesel.example")
    assert refused.status_code == 200
    assert "email" in refused.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="anna.schmidt@wesel.example").count() == 1
