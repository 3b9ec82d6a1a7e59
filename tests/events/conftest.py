"""Fixtures of the events tests."""

import pytest
from django.utils import translation

from neuewege.core.models import Institution, Person
from tests.factories import InstitutionFactory, PersonFactory


@pytest.fixture
def english_messages():
    """The messages are compared in English (the staff's second language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def job_centre_bca(wesel):
    job_centre = InstitutionFactory(
        region=wesel, kind=Institution.Kind.JOB_CENTRE, name="Jobcenter Kreis Wesel"
    )
    job_centre.job_centre_type = Institution.JobCentreType.JOINT
    job_centre.save()
    return PersonFactory(
        institution=job_centre,
        first_name="Birgit",
        last_name="Schulte",
        function=Person.Function.BCA,
        moderated_formats=["parent_cafe", "info_session", "parent_course"],
    )
