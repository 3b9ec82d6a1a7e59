"""The coverage pages in a browser on a phone (390 px: nothing wider than the screen, the tables
scroll inside their own region): the coordinator opens the demand from the region's menu, is told
at the field that the family centre is closed on the chosen day, enters a request, and edits a
speaker's capacity. axe-core on every page."""

from datetime import time

import pytest
from django.urls import reverse

from neuewege.core.models import Institution, OpeningPeriod, Person, User
from neuewege.coverage.models import CentreRequest, SpeakerCapacity
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

from .conftest import assert_accessible, fits_the_screen, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_enters_demand_and_keeps_a_speaker_on_a_phone(open_phone, wesel):
    centre = InstitutionFactory(region=wesel, name="Familienzentrum Regenbogen Moers")
    for day in range(5):
        OpeningPeriod.objects.create(
            institution=centre, weekday=day, opens=time(7, 30), closes=time(16)
        )
    job_centre = InstitutionFactory(
        region=wesel, kind=Institution.Kind.JOB_CENTRE, name="Jobcenter Kreis Wesel"
    )
    speaker = PersonFactory(
        institution=job_centre,
        function=Person.Function.CASE_MANAGER,
        moderated_formats=["parent_cafe"],
    )
    PersonFactory(institution=job_centre, function=Person.Function.BCA, last_name="Ohneformat")
    UserFactory(role=User.Role.COORDINATOR, regions=[wesel], email="koordination@kreis-wesel.de")
    page = open_phone("de-DE")
    sign_in(page, "koordination@kreis-wesel.de")

    demand = reverse("coverage-demand", args=[wesel.key])
    page.goto(f"/regions/{wesel.key}/")
    page.get_by_role("button", name="Menü").click()  # the region's menu on a phone
    page.locator(f"a[href='{reverse('coverage-dashboard', args=[wesel.key])}']").first.click()
    page.get_by_role("navigation", name="Abdeckung").get_by_role("link", name="Bedarf").click()
    page.wait_for_url(f"**{demand}**")
    assert fits_the_screen(page)
    assert_accessible(page)

    page.get_by_role("link", name="Bedarf hinzufügen").click()
    page.wait_for_url(f"**{reverse('institution-request-create', args=[centre.pk])}**")
    assert fits_the_screen(page)
    assert_accessible(page)
    page.get_by_label("Samstag").check()
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state()
    assert "Das Familienzentrum ist am Samstag geschlossen." in page.content()
    assert fits_the_screen(page)
    assert_accessible(page)
    page.get_by_label("Samstag").uncheck()
    page.get_by_label("Dienstag").check()
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(f"**{demand}**")
    assert CentreRequest.objects.get().weekdays == [1]
    assert fits_the_screen(page)
    assert_accessible(page)

    page.goto(reverse("coverage-speakers", args=[wesel.key]))
    assert "wird nicht eingeplant" in page.content()
    assert fits_the_screen(page)
    assert_accessible(page)
    page.locator(f"a[href='{reverse('person-speaker-capacity', args=[speaker.pk])}']").click()
    page.get_by_label("Stunden im Monat für Veranstaltungen").fill("6")
    page.get_by_label("Längste Anfahrt (km auf der Straße)").fill("0")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state()
    assert "kein Familienzentrum" in page.content()
    assert fits_the_screen(page)
    assert_accessible(page)
    page.get_by_label("Längste Anfahrt (km auf der Straße)").fill("25")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url("**/coverage/speakers/**")
    assert SpeakerCapacity.objects.get(person=speaker).hours_per_month == 6
