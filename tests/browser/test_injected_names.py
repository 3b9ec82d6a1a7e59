"""Names that people enter reach other people's pages as text, never as markup: a family centre
that renames itself to an HTML snippet must not run code on the dashboard of everyone in its
region. The browser runs here without the content security policy (bypass_csp), so the test
shows that the scripts themselves insert text; the policy is a second line of defence."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from neuewege.core.models import User
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOAD = '<img src=x onerror="window.injected=1">Familienzentrum <b>Fett</b>'


def sign_in(page, url, user):
    """The session of ``user`` in the browser (signing in itself is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": url}])


def test_a_family_centre_name_is_text_in_the_map_tooltip(page, live_server, wesel, settings):
    centre = InstitutionFactory(region=wesel, name=PAYLOAD, latitude=51.6583, longitude=6.6178)
    viewer = UserFactory(
        role=User.Role.STAFF, person=PersonFactory(institution=centre), email="fz@example.org"
    )
    settings.MAP_TILES_URL = live_server.url + "/static/tiles/{z}/{x}/{y}.png"
    settings.MAP_ATTRIBUTION = '<img src=x onerror="window.injected=2">Karten'
    sign_in(page, live_server.url, viewer)
    page.goto(reverse("region-dashboard", args=[wesel.key]))
    marker = page.locator("path.leaflet-interactive")
    marker.wait_for()
    marker.hover()
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert tooltip.inner_text() == PAYLOAD
    assert tooltip.locator("img, b").count() == 0
    attribution = page.locator(".leaflet-control-attribution")
    assert "<img" in attribution.inner_text()
    assert attribution.locator("img").count() == 0
    assert page.evaluate("window.injected") is None
