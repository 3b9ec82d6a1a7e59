from datetime import time
from decimal import Decimal

import pytest

from neuewege.core import services
from neuewege.core.access import access_for
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import Institution, Person, User
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def institution_data(region, **overrides):
    return {
        "region": region,
        "kind": Institution.Kind.FAMILY_CENTRE,
        "name": "FZ Regenbogen",
        "postcode": "46483",
        "town": "Wesel",
    } | overrides


def test_creates_institution_and_places_it_at_its_postcode(coordinator, wesel):
    institution = services.save_institution(
        access=access_for(coordinator), data=institution_data(wesel)
    )
    assert institution.pk
    assert abs(institution.latitude - Decimal("51.66")) < 1
    assert abs(institution.longitude - Decimal("6.61")) < 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"postcode": "4648"}, "postcode"),
        ({"postcode": "4648A"}, "postcode"),
        ({"latitude": Decimal("48.85"), "longitude": Decimal("2.35")}, "longitude"),  # Paris
        ({"latitude": Decimal("60.1"), "longitude": Decimal("10.0")}, "latitude"),
        ({"kind": Institution.Kind.JOB_CENTRE}, "job_centre_type"),
        (
            {
                "kind": Institution.Kind.JOB_CENTRE,
                "job_centre_type": "municipal",
                "certified_from": "2024-01-01",
            },
            "certified_from",
        ),
    ],
)
def test_rejects_bad_institution_data_at_the_field(coordinator, wesel, overrides, field):
    with pytest.raises(ValidationFailed) as error:
        services.save_institution(
            access=access_for(coordinator), data=institution_data(wesel, **overrides)
        )
    assert field in error.value.errors
    assert not Institution.objects.filter(name="FZ Regenbogen").exists()


def test_youth_welfare_office_must_be_of_the_same_region(coordinator, wesel, borken):
    office = InstitutionFactory(region=borken, kind=Institution.Kind.YOUTH_WELFARE_OFFICE)
    with pytest.raises(ValidationFailed) as error:
        services.save_institution(
            access=access_for(coordinator),
            data=institution_data(wesel, youth_welfare_office=office),
        )
    assert "youth_welfare_office" in error.value.errors


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


def test_coordinator_cannot_create_in_another_region(coordinator, borken):
    with pytest.raises(ValidationFailed) as error:
        services.save_institution(access=access_for(coordinator), data=institution_data(borken))
    assert "region" in error.value.errors


def test_staff_changes_own_institution_but_not_others(staff, family_centre, wesel):
    access = access_for(staff)
    services.save_institution(access=access, data={"phone": "0281 123"}, institution=family_centre)
    family_centre.refresh_from_db()
    assert family_centre.phone == "0281 123"
    other = InstitutionFactory(region=wesel)
    with pytest.raises(PermissionDenied):
        services.save_institution(access=access, data={"phone": "1"}, institution=other)


def test_person_at_institution_of_another_region_is_refused(coordinator, borken):
    foreign = InstitutionFactory(region=borken)
    with pytest.raises(ValidationFailed) as error:
        services.save_person(
            access=access_for(coordinator),
            data={
                "institution": foreign,
                "first_name": "Eva",
                "last_name": "Fremd",
                "function": Person.Function.BCA,
            },
        )
    assert "institution" in error.value.errors
    assert not Person.objects.filter(last_name="Fremd").exists()


def test_duplicate_person_email_is_refused(coordinator, family_centre):
    PersonFactory(institution=family_centre, email="bca@jobcenter.example")
    with pytest.raises(ValidationFailed) as error:
        services.save_person(
            access=access_for(coordinator),
            data={
                "institution": family_centre,
                "first_name": "Eva",
                "last_name": "Zweit",
                "function": Person.Function.BCA,
                "email": "BCA@jobcenter.example",
            },
        )
    assert "email" in error.value.errors


def test_unknown_moderated_format_is_refused(coordinator, family_centre):
    with pytest.raises(ValidationFailed) as error:
        services.save_person(
            access=access_for(coordinator),
            data={
                "institution": family_centre,
                "first_name": "Eva",
                "last_name": "Format",
                "function": Person.Function.BCA,
                "moderated_formats": ["karaoke"],
            },
        )
    assert "moderated_formats" in error.value.errors


def test_church_providers_bring_their_own_data_protection_law(wesel):
    assert InstitutionFactory(provider_type="catholic").data_protection_law == "KDG"
    assert InstitutionFactory(provider_type="protestant").data_protection_law == "DSG-EKD"
    assert InstitutionFactory(provider_type="welfare").data_protection_law == "DSGVO"


def test_api_tokens_are_stored_hashed_and_can_be_revoked(coordinator):
    token, secret = services.create_api_token(user=coordinator, name="Script")
    assert secret not in token.digest and token.digest == services.token_digest(secret)
    assert services.user_for_api_token(secret) == coordinator
    services.revoke_api_token(user=coordinator, token_id=token.pk)
    assert services.user_for_api_token(secret) is None
    with pytest.raises(ValidationFailed):
        services.revoke_api_token(user=coordinator, token_id=token.pk)


def test_changes_are_audited_with_their_region(coordinator, family_centre, wesel):
    from neuewege.core.selectors import region_audit_log

    services.save_institution(
        access=access_for(coordinator), data={"phone": "0281 9"}, institution=family_centre
    )
    entries = list(region_audit_log(wesel))
    assert any(
        entry.object_repr.startswith(family_centre.name) and "phone" in entry.changes_dict
        for entry in entries
    )


def test_opening_hours_with_early_and_late_care(staff, family_centre):
    week = {
        0: (time(7, 0), time(7, 30), time(16, 30), time(17, 30)),
        4: (None, time(7, 30), time(14, 0), None),
        5: (None, None, None, None),
    }
    services.set_opening_hours(access=access_for(staff), institution=family_centre, week=week)
    periods = [
        (p.weekday, p.opens, p.closes, p.is_extended_hours)
        for p in family_centre.opening_periods.all()
    ]
    assert periods == [
        (0, time(7, 0), time(7, 30), True),
        (0, time(7, 30), time(16, 30), False),
        (0, time(16, 30), time(17, 30), True),
        (4, time(7, 30), time(14, 0), False),
    ]


@pytest.mark.parametrize(
    ("day", "field"),
    [
        ((None, time(8), None, None), "0_opens"),
        ((None, time(16), time(8), None), "0_closes"),
        ((time(9), time(8), time(16), None), "0_early_from"),
        ((None, time(8), time(16), time(15)), "0_late_until"),
        ((time(7), None, None, None), "0_opens"),
    ],
)
def test_bad_opening_hours_are_refused_and_keep_the_old_ones(
    coordinator, family_centre, day, field
):
    services.set_opening_hours(
        access=access_for(coordinator),
        institution=family_centre,
        week={1: (None, time(8), time(12), None)},
    )
    with pytest.raises(ValidationFailed) as error:
        services.set_opening_hours(
            access=access_for(coordinator), institution=family_centre, week={0: day}
        )
    assert field in error.value.errors
    assert family_centre.opening_periods.count() == 1


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
