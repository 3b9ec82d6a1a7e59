import pytest

from neuewege.core.access import Action, access_for, system_access
from neuewege.core.models import User
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_coordinator_may_do_everything_in_own_region_only(coordinator, wesel, borken):
    access = access_for(coordinator)
    assert all(access.can(action, wesel) for action in Action)
    assert not any(access.can(action, borken) for action in Action)
    assert set(access.regions()) == {wesel}


def test_staff_sees_their_institutions_region_and_changes_only_their_institution(
    staff, family_centre, wesel, borken
):
    access = access_for(staff)
    other_centre = InstitutionFactory(region=wesel)
    assert access.region_ids == {wesel.id}
    assert access.can(Action.VIEW, wesel)
    assert access.can_change_institution(family_centre)
    assert not access.can_change_institution(other_centre)
    assert not access.can(Action.IMPORT, wesel)
    assert not access.can(Action.MANAGE_ACCOUNTS, wesel)
    assert not access.can(Action.VIEW, borken)
    assert list(access.changeable_institutions(wesel)) == [family_centre]


def test_viewer_reads_but_never_changes(wesel):
    person = PersonFactory(institution=InstitutionFactory(region=wesel))
    viewer = UserFactory(role=User.Role.VIEWER, regions=[wesel], person=person)
    access = access_for(viewer)
    assert access.can(Action.VIEW, wesel)
    assert not any(access.can(action, wesel) for action in Action if action != Action.VIEW)
    assert not access.changeable_institutions(wesel).exists()


def test_state_level_reads_every_region_and_changes_nothing_inside(state_user, wesel, borken):
    access = access_for(state_user)
    assert access.regions().count() == 53
    assert access.can(Action.VIEW, borken)
    assert not access.can(Action.CHANGE, wesel)
    assert not access.can(Action.MANAGE_ACCOUNTS, wesel)


def test_inactive_and_anonymous_accounts_see_nothing(coordinator, wesel):
    from django.contrib.auth.models import AnonymousUser

    coordinator.is_active = False
    assert not access_for(coordinator).can(Action.VIEW, wesel)
    assert not access_for(AnonymousUser()).regions().exists()
    assert not access_for(AnonymousUser()).institutions().exists()


def test_staff_without_person_sees_nothing(wesel):
    user = UserFactory(role=User.Role.STAFF, regions=[wesel])
    assert access_for(user).region_ids == frozenset()


def test_coordinator_manages_accounts_of_own_regions_only(coordinator, staff, wesel, borken):
    other = UserFactory(role=User.Role.VIEWER, regions=[borken])
    colleague = UserFactory(role=User.Role.VIEWER, regions=[wesel])
    managed = set(access_for(coordinator).accounts())
    assert {staff, colleague, coordinator} <= managed
    assert other not in managed


def test_system_access_for_command_line_tools(wesel):
    assert system_access().can(Action.IMPORT, wesel)
    assert system_access().institutions().model.__name__ == "Institution"
