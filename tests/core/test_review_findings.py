"""Rules found missing in a review: shared accounts, removing people, huge ids, the change log
of accounts, people of another region in an import, resending an invitation, kind changes."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from neuewege.core import services
from neuewege.core.access import access_for
from neuewege.core.errors import ValidationFailed
from neuewege.core.imports import Importer
from neuewege.core.models import Institution, Person, User
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_account_shared_with_another_region_is_not_managed_by_one_coordinator(
    client, coordinator, wesel, borken
):
    shared = UserFactory(role=User.Role.VIEWER, regions=[wesel, borken])
    client.force_login(coordinator)
    url = reverse("account-update", kwargs={"region_key": "05170", "pk": shared.pk})
    response = client.post(url, {"role": "viewer", "regions": ["05170"], "is_active": "on"})
    assert response.status_code == 404
    assert set(shared.regions.all()) == {wesel, borken}
    assert shared not in access_for(coordinator).accounts()


def test_coordinators_cannot_change_their_own_account(coordinator, wesel):
    with pytest.raises(ValidationFailed):
        services.update_account(
            access=access_for(coordinator),
            user=coordinator,
            role="coordinator",
            region_ids=[wesel.id],
            person=None,
            is_active=True,
        )


def test_removing_a_person_only_deactivates_a_staff_account(staff, family_centre, wesel):
    coordinator_person = PersonFactory(institution=family_centre)
    coordinator = UserFactory(
        role=User.Role.COORDINATOR, regions=[wesel], person=coordinator_person
    )
    services.delete_person(access=access_for(staff), person=coordinator_person)
    coordinator.refresh_from_db()
    assert coordinator.is_active and coordinator.person is None
    with pytest.raises(ValidationFailed):
        services.delete_person(access=access_for(staff), person=staff.person)


def test_a_huge_region_id_is_a_form_error_not_a_crash(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("account-invite", kwargs={"region_key": "05170"}),
        {
            "email": "neu@example.org",
            "first_name": "A",
            "last_name": "B",
            "role": "viewer",
            "regions": ["9999999999999999999999999"],
        },
    )
    assert response.status_code == 200
    assert "regions" in response.context["form"].errors


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


def test_a_people_import_never_takes_over_a_person_of_another_region(wesel, borken):
    coordinator = UserFactory(role=User.Role.COORDINATOR, regions=[wesel, borken])
    InstitutionFactory(region=wesel, name="FZ A")
    foreign = PersonFactory(
        institution=InstitutionFactory(region=borken, postcode="46325"),
        email="geheim@b.example",
        last_name="Borken",
    )
    csv = "Vorname;Nachname;Funktion;Einrichtung;E-Mail\nX;Y;bca;FZ A;geheim@b.example\n"
    report = Importer(access=access_for(coordinator), kind="people", region=wesel).apply(
        "p.csv", csv.encode()
    )
    assert not report.is_valid
    foreign.refresh_from_db()
    assert foreign.last_name == "Borken" and foreign.institution.region == borken


def test_an_expired_invitation_can_be_sent_again(
    client, coordinator, wesel, django_capture_on_commit_callbacks
):
    invited = UserFactory(role=User.Role.VIEWER, regions=[wesel], email="spaet@example.org")
    invited.set_unusable_password()
    invited.save()
    client.force_login(coordinator)
    url = reverse("account-update", kwargs={"region_key": "05170", "pk": invited.pk})
    assert "resend" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"resend": "1"})
    assert mail.outbox[-1].to == ["spaet@example.org"]
    assert re.search(r"/password/set/\S+/", mail.outbox[-1].body)


def test_a_youth_welfare_office_keeps_its_kind_while_centres_belong_to_it(
    coordinator, youth_welfare_office, wesel
):
    InstitutionFactory(region=wesel, youth_welfare_office=youth_welfare_office)
    office = Institution.objects.get(pk=youth_welfare_office.pk)
    with pytest.raises(ValidationFailed) as error:
        services.save_institution(
            access=access_for(coordinator), data={"kind": "other"}, institution=office
        )
    assert "kind" in error.value.errors
    office.refresh_from_db()
    assert office.kind == Institution.Kind.YOUTH_WELFARE_OFFICE


def test_a_file_over_the_row_limit_is_refused_early(coordinator, wesel, monkeypatch):
    from neuewege.core import imports

    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    rows = "".join(f"FZ;FZ {n};46483;Wesel\n" for n in range(10))
    report = Importer(access=access_for(coordinator), kind="institutions", region=wesel).check(
        "x.csv", ("Art;Name;PLZ;Ort\n" + rows).encode()
    )
    assert report.file_problems and "3" in report.file_problems[0]
    assert not Person.objects.exists()
