"""The table of permissions (core.access): declared by the apps, read by the pages, the menu,
the templates and the system check."""

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.test import override_settings

from neuewege.core.access import (
    PERMISSIONS,
    REGIONS,
    access_for,
    declare,
)
from neuewege.core.checks import every_page_declares_a_known_permission
from neuewege.core.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_page_of_the_site_declares_a_known_permission():
    assert every_page_declares_a_known_permission(None) == []


@override_settings(ROOT_URLCONF="tests.core.urls_without_permissions")
def test_a_page_without_a_permission_or_with_an_unknown_one_is_named_by_the_check():
    errors = every_page_declares_a_known_permission(None)
    messages = sorted(error.msg for error in errors)
    assert [error.id for error in errors] == ["neuewege.E002"] * 3
    assert "The page bare declares no permission" in messages[0]
    assert "the exporter 'no-such-export', which is not declared" in messages[1]
    assert "The page misspelt declares the unknown permission 'events.plann'" in messages[2]
    assert any(error.id == "neuewege.E002" for error in run_checks())


def test_a_permission_is_declared_once_and_only_for_known_roles():
    with pytest.raises(ImproperlyConfigured, match="no such role"):
        declare("tests.thing", "Thing", coordinatr=REGIONS)
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        declare("core.view", "Something else", coordinator=REGIONS)
    assert "tests.thing" not in PERMISSIONS


def test_templates_ask_the_same_policy(coordinator, wesel):
    viewer = UserFactory(role=User.Role.VIEWER, regions=[wesel])
    template = Template(
        '{% load access %}{% allowed "core.import" region as can %}{% if can %}yes{% else %}no'
        "{% endif %}"
    )
    for account, shown in ((coordinator, "yes"), (viewer, "no")):
        context = Context({"access": access_for(account), "region": wesel})
        assert template.render(context) == shown


def test_the_operator_reads_the_table_of_permissions(client, coordinator):
    operator = User.objects.create_superuser("operator@example.org", "correct horse battery")
    client.force_login(operator)
    page = client.get("/admin/permissions/")
    assert page.status_code == 200
    names = [row["permission"].name for row in page.context["rows"]]
    assert names == sorted(PERMISSIONS)
    plan = next(row for row in page.context["rows"] if row["permission"].name == "events.plan")
    roles = [str(role) for role in User.Role]
    cells = dict(zip(roles, plan["cells"], strict=True))
    assert cells["staff"] and cells["coordinator"] and cells["staff"] != cells["coordinator"]
    assert cells["state"] == cells["viewer"] == ""
    assert "events.plan" in page.content.decode()
    client.force_login(coordinator)
    assert client.get("/admin/permissions/").status_code == 302  # to the admin's sign-in
