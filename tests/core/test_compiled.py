"""Queries compiled once per shape (core.compiled): each run with its own values gives what the
ORM gives, the query is built only the first time, and values never become SQL."""

import pytest
from django.db.models import CharField, DateTimeField
from django.utils import timezone

from neuewege.core.compiled import OneOf, Param, compiled
from neuewege.core.models import Institution
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def test_each_run_passes_its_values_and_the_query_is_built_once(wesel, borken):
    wanted = [
        InstitutionFactory(region=region, town=town)
        for region, town in [
            (wesel, "Wesel"),
            (wesel, "Hamminkeln"),
            (borken, "Borken"),
            (borken, "Wesel"),
        ]
    ]
    built = []
    key = ("test-institutions", id(built))  # not compiled by an earlier test

    def build():
        built.append(1)
        return (
            Institution.objects.filter(
                OneOf("region_id", "regions"),
                town=Param("town", CharField()),
                created_at__lte=Param("now", DateTimeField()),
            )
            .order_by("pk")
            .values_list("pk", "name", "created_at")
        )

    def run(regions, town):
        query = compiled(key, Institution, build)
        return query.rows(regions=[region.pk for region in regions], town=town, now=timezone.now())

    in_wesel = run([wesel], "Wesel")
    assert [row.pk for row in in_wesel] == [wanted[0].pk]
    assert [row.pk for row in run([wesel, borken], "Wesel")] == [wanted[0].pk, wanted[3].pk]
    assert run([borken], "Hamminkeln") == []
    assert built == [1]  # compiled at the first run only
    orm = Institution.objects.filter(pk=wanted[0].pk).values_list("pk", "name", "created_at")
    assert tuple(in_wesel[0]) == orm.get()  # converted as the ORM converts (dates on SQLite)
    assert in_wesel[0].name == wanted[0].name  # named as in values_list


def test_a_value_is_a_parameter_never_sql(wesel):
    InstitutionFactory(region=wesel, town="Wesel")
    query = compiled(
        ("test-town",),
        Institution,
        lambda: Institution.objects.filter(town=Param("town", CharField())).values_list("pk"),
    )
    assert query.rows(town="x' OR '1'='1") == []
    assert Institution.objects.filter(town="Wesel").exists()  # and nothing happened to the table
