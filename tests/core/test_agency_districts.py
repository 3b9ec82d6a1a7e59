"""An Agentur für Arbeit's district covers several regions (30 districts for 53 regions in NRW):
the operator names the further regions; the agency then counts as an institution serving them,
and its people work with those regions."""

import pytest
from django.contrib.admin.sites import site
from django.forms.models import model_to_dict
from django.test import RequestFactory

from neuewege.core.access import access_for
from neuewege.core.models import Institution, User
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def admin_form(institution, **changes):
    request = RequestFactory().post("/")
    request.user = UserFactory(role=User.Role.STATE, is_superuser=True, is_staff=True)
    form_class = site._registry[Institution].get_form(request, institution)
    data = {key: value for key, value in model_to_dict(institution).items() if value is not None}
    data["region"] = institution.region_id
    return form_class(data | changes, instance=institution)


def test_the_operator_names_an_agencys_further_regions(wesel, borken):
    agency = InstitutionFactory(region=wesel, kind=Institution.Kind.EMPLOYMENT_AGENCY)
    form = admin_form(agency, also_serves=[borken.pk])
    assert form.is_valid(), form.errors
    form.save()
    assert list(agency.also_serves.all()) == [borken]
    assert list(Institution.objects.serving(borken)) == [agency]


@pytest.mark.parametrize("kind", [Institution.Kind.JOB_CENTRE, Institution.Kind.FAMILY_CENTRE])
def test_only_an_agency_serves_further_regions(wesel, borken, kind):
    institution = InstitutionFactory(region=wesel, kind=kind)
    form = admin_form(institution, also_serves=[borken.pk])
    assert not form.is_valid()
    assert "Agentur für Arbeit" in " ".join(form.errors["also_serves"])


def test_its_own_region_is_not_a_further_region(wesel):
    agency = InstitutionFactory(region=wesel, kind=Institution.Kind.EMPLOYMENT_AGENCY)
    form = admin_form(agency, also_serves=[wesel.pk])
    assert not form.is_valid() and "also_serves" in form.errors


def test_the_agencys_staff_work_in_the_regions_it_serves(wesel, borken):
    agency = InstitutionFactory(region=wesel, kind=Institution.Kind.EMPLOYMENT_AGENCY)
    other = InstitutionFactory(region=wesel, kind=Institution.Kind.JOB_CENTRE)
    staff = UserFactory(role=User.Role.STAFF, person=PersonFactory(institution=agency))
    elsewhere = UserFactory(role=User.Role.STAFF, person=PersonFactory(institution=other))
    assert access_for(staff).region_ids == {wesel.pk}
    agency.also_serves.add(borken)
    assert access_for(staff).region_ids == {wesel.pk, borken.pk}
    assert access_for(elsewhere).region_ids == {wesel.pk}
    assert set(Institution.objects.serving(wesel)) == {agency, other}
