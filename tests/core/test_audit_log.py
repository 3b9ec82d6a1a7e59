"""The region's change log: what was changed in the region, accounts included, for its
coordinator."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_audit_log_shows_the_regions_changes_to_its_coordinator(client, coordinator, wesel):
    client.force_login(coordinator)
    client.post(
        reverse("institution-create", kwargs={"region_key": "05170"}),
        {"kind": "family_centre", "name": "FZ Protokoll", "postcode": "46483", "town": "Wesel"},
    )
    body = client.get(reverse("audit-log", kwargs={"region_key": "05170"})).content.decode()
    assert "FZ Protokoll" in body and coordinator.email in body


def test_account_changes_appear_in_the_regions_change_log(
    client, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account-invite", kwargs={"region_key": "05170"}),
            {
                "email": "protokoll@example.org",
                "first_name": "P",
                "last_name": "Q",
                "role": "viewer",
                "regions": ["05170"],
            },
        )
    body = client.get(reverse("audit-log", kwargs={"region_key": "05170"})).content.decode()
    assert "protokoll@example.org" in body
