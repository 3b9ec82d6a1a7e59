"""The navigation is declared by the apps (core/navigation.py) and filtered by the one access
policy: each account sees the entries it may follow, and every entry it sees opens."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from neuewege.core import navigation
from neuewege.core.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ENTRY = re.compile(
    r'<a class="kern-link(?: kern-link--small)?" href="([^"]+)"( aria-current="page")?>([^<]+)</a>'
)


def menus(client, user, path="/regions/05170/"):
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    nav = response.content.decode().split('<nav class="app-nav"', 1)[1].split("</nav>", 1)[0]
    header = response.content.decode().split('class="app-header__tools"', 1)[1].split("<form", 1)[0]
    return (
        {label: (url, bool(current)) for url, current, label in ENTRY.findall(nav)},
        {label: url for url, _current, label in ENTRY.findall(header)},
    )


def test_each_role_sees_what_it_may_follow_and_every_entry_opens(
    client, wesel, coordinator, staff, state_user
):
    viewer = UserFactory(role=User.Role.VIEWER, regions=[wesel])
    seen = {}
    for user in (coordinator, viewer, staff, state_user):
        region, tools = menus(client, user)
        seen[user.role] = set(region)
        assert region["Kreis Wesel"] == ("/regions/05170/", True)  # this page
        for url in [url for url, _current in region.values()] + list(tools.values()):
            assert client.get(url).status_code == 200, (user.role, url)
        assert {"Formate", "Programmmaterialien", "Kalender-Abos", "API-Schlüssel"} <= set(tools)
    coordinator_only = {"Import", "Konten", "Änderungsprotokoll", "Auskunft und Löschung"}
    assert coordinator_only <= seen[User.Role.COORDINATOR]
    assert not coordinator_only & (seen[User.Role.VIEWER] | seen[User.Role.STAFF])
    assert "Alle Regionen" in seen[User.Role.STATE]
    assert "Alle Regionen" not in seen[User.Role.COORDINATOR]
    assert {"Einrichtungen", "Personen", "Veranstaltungen"} <= seen[User.Role.VIEWER]


def test_an_app_declares_its_entries_and_a_twin_is_refused(monkeypatch):
    monkeypatch.setattr(navigation, "MENUS", {navigation.REGION: {}, navigation.TOOLS: {}})
    navigation.menu_entry(navigation.TOOLS, "api-tokens", "Tokens", order=1)
    with pytest.raises(ImproperlyConfigured, match="api-tokens"):
        navigation.menu_entry(navigation.TOOLS, "api-tokens", "Again", order=2)
