"""Answers read from records (``api_types.Output``) are those ninja's ``Schema`` gives: the same
fields through dotted aliases, methods, managers and defaults, read in one pass."""

import pytest
from ninja import Field, Schema
from pydantic import create_model

from neuewege.core.api import InstitutionOut
from neuewege.core.api_types import Output
from neuewege.core.models import Institution
from tests.factories import InstitutionFactory, PersonFactory

pytestmark = pytest.mark.django_db


def probe(base):
    class PersonRef(base):
        id: int
        last_name: str

    class Probe(base):
        id: int
        region: str = Field(..., alias="region.key")
        kind_display: str = Field(..., alias="get_kind_display")
        people: list[PersonRef]
        missing: str = "the default"  # no such attribute: the default

    return Probe


def test_an_answer_is_the_one_ninja_reads_from_the_record(wesel):
    office = InstitutionFactory(region=wesel, kind=Institution.Kind.YOUTH_WELFARE_OFFICE)
    centre = InstitutionFactory(
        region=wesel, kind=Institution.Kind.FAMILY_CENTRE, youth_welfare_office=office
    )
    PersonFactory(institution=centre, last_name="Yılmaz")
    PersonFactory(institution=centre, last_name="Nowak")
    for record in (office, centre):
        record = Institution.objects.select_related("region").get(pk=record.pk)
        fast, ninja = probe(Output), probe(Schema)
        assert fast.model_validate(record).model_dump() == ninja.model_validate(record).model_dump()
        assert InstitutionOut.model_validate(record).model_dump(mode="json") == (
            ninja_institution_out().model_validate(record).model_dump(mode="json")
        )


def ninja_institution_out():
    """InstitutionOut as ninja's Schema reads it."""
    fields = {
        name: (field.annotation, field) for name, field in InstitutionOut.model_fields.items()
    }
    return create_model("NinjaInstitutionOut", __base__=Schema, **fields)
