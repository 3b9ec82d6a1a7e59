import pytest
from django.utils.functional import SimpleLazyObject

from neuewege.core.access import (
    CATALOGUE,
    CHANGE,
    IMPORT,
    MANAGE_ACCOUNTS,
    PERMISSIONS,
    STATE_FIGURES,
    VIEW,
    UnknownPermission,
    access_for,
    system_access,
)
from neuewege.core.models import User
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_coordinator_may_do_everything_in_own_region_only(coordinator, wesel, borken):
    access = access_for(coordinator)
    core = [name for name in PERMISSIONS if name.startswith("core.") and name != CATALOGUE]
    core.remove(STATE_FIGURES)
    assert all(access.has(name, wesel) for name in core)
    assert not any(access.has(name, borken) for name in core)
    assert set(access.regions()) == {wesel}


def test_staff_sees_their_institutions_region_and_changes_only_their_institution(
    staff, family_centre, wesel, borken
):
    access = access_for(staff)
    other_centre = InstitutionFactory(region=wesel)
    assert access.region_ids == {wesel.id}
    assert access.has(VIEW, wesel)
    assert access.has(CHANGE, family_centre)
    assert not access.has(CHANGE, other_centre)
    assert not access.has(IMPORT, wesel)
    assert not access.has(MANAGE_ACCOUNTS, wesel)
    assert not access.has(VIEW, borken)
    assert list(access.institutions_for(CHANGE, wesel)) == [family_centre]


def test_viewer_reads_but_never_changes(wesel):
    person = PersonFactory(institution=InstitutionFactory(region=wesel))
    viewer = UserFactory(role=User.Role.VIEWER, regions=[wesel], person=person)
    access = access_for(viewer)
    assert access.has(VIEW, wesel)
    changes = [name for name in PERMISSIONS if name.startswith("core.") and name != VIEW]
    assert not any(access.has(name, wesel) for name in changes)
    assert not access.institutions_for(CHANGE, wesel).exists()


def test_state_level_reads_every_region_and_changes_nothing_inside(state_user, wesel, borken):
    access = access_for(state_user)
    assert access.regions().count() == 53
    assert access.has(VIEW, borken)
    assert not access.has(CHANGE, wesel)
    assert not access.has(MANAGE_ACCOUNTS, wesel)


def test_inactive_and_anonymous_accounts_see_nothing(coordinator, wesel):
    from django.contrib.auth.models import AnonymousUser

    coordinator.is_active = False
    assert not access_for(coordinator).has(VIEW, wesel)
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
    assert system_access().has(IMPORT, wesel)
    assert system_access().institutions().model.__name__ == "Institution"


def test_a_permission_the_table_does_not_know_is_refused_with_its_name(coordinator, wesel):
    with pytest.raises(UnknownPermission, match=r"events\.plann"):
        access_for(coordinator).has("events.plann", wesel)


def test_staff_plan_events_of_their_own_family_centre_only(staff, family_centre, wesel):
    from neuewege.events.permissions import PLAN

    access = access_for(staff)
    office = InstitutionFactory(region=wesel, kind="job_centre")
    assert access.has(PLAN, family_centre)
    assert access.has(PLAN, wesel)  # a page of the region: their own centre in it
    assert not access.has(PLAN, InstitutionFactory(region=wesel))
    assert not access.has(PLAN, office)
    assert list(access.institutions_for(PLAN, wesel)) == [family_centre]


def test_staff_of_an_office_plan_no_events(wesel):
    from neuewege.events.permissions import PLAN

    office = InstitutionFactory(region=wesel, kind="job_centre")
    user = UserFactory(role=User.Role.STAFF, person=PersonFactory(institution=office))
    access = access_for(user)
    assert access.has(CHANGE, office)
    assert not access.has(PLAN, office)
    assert not access.has(PLAN, wesel)
    assert not access.institutions_for(PLAN, wesel).exists()


def test_the_access_of_a_request_s_lazy_account_asks_about_the_account(coordinator, wesel):
    read = SimpleLazyObject(lambda: coordinator)
    assert read.is_authenticated  # read, as a page reads it before asking the policy
    assert access_for(read).user is coordinator
    assert access_for(read).has(VIEW, wesel)
    unread = SimpleLazyObject(lambda: coordinator)
    access = access_for(unread)
    assert access.user is unread  # not read by the policy until it is asked
    assert access.has(VIEW, wesel)
