"""The pages of a region's master data: institutions (with their opening hours, the Kitas of a
family centre's network and the map), people, the region's start page; form errors at the
field, and lists of a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from neuewege.core.models import Institution, Person
from tests.factories import InstitutionFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_institution_list_filters_by_kind_and_search(client, coordinator, wesel, borken):
    InstitutionFactory(region=wesel, name="FZ Regenbogen", town="Moers", postcode="47441")
    InstitutionFactory(region=wesel, kind="job_centre", job_centre_type="joint", name="JC Wesel")
    InstitutionFactory(region=borken, name="FZ Regenbogen Borken", postcode="46325")
    client.force_login(coordinator)
    url = reverse("institution-list", kwargs={"region_key": "05170"})
    body = client.get(url, {"kind": "family_centre"}).content.decode()
    assert "FZ Regenbogen" in body and "JC Wesel" not in body and "Borken" not in body
    assert "FZ Regenbogen" in client.get(url, {"q": "moers"}).content.decode()
    assert "FZ Regenbogen" in client.get(url, {"q": "4744"}).content.decode()
    assert "FZ Regenbogen" not in client.get(url, {"q": "Xanten"}).content.decode()


@pytest.mark.parametrize("url_name", ["institution-list", "person-list"])
def test_list_pages_use_a_fixed_number_of_queries(client, coordinator, wesel, url_name):
    client.force_login(coordinator)
    url = reverse(url_name, kwargs={"region_key": wesel.key})

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    PersonFactory(institution=InstitutionFactory(region=wesel))
    few = queries()
    for _ in range(30):
        PersonFactory(institution=InstitutionFactory(region=wesel))
    assert queries() == few
    assert few <= 12


def test_form_errors_are_summarised_and_linked_to_their_fields(client, coordinator):
    client.force_login(coordinator)
    url = reverse("institution-create", kwargs={"region_key": "05170"})
    response = client.post(
        url,
        {
            "kind": "family_centre",
            "name": "FZ",
            "postcode": "123",
            "town": "Wesel",
            "latitude": "48.8",
            "longitude": "2.3",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "data-error-summary" in body
    assert 'href="#id_postcode"' in body and 'href="#id_longitude"' in body
    assert 'aria-invalid="true"' in body
    assert not Institution.objects.filter(name="FZ").exists()


def test_coordinator_creates_and_edits_an_institution(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("institution-create", kwargs={"region_key": "05170"}),
        {
            "kind": "job_centre",
            "job_centre_type": "joint",
            "name": "Jobcenter Kreis Wesel",
            "postcode": "46483",
            "town": "Wesel",
        },
    )
    institution = Institution.objects.get(name="Jobcenter Kreis Wesel")
    assert response["Location"] == reverse("institution-detail", kwargs={"pk": institution.pk})
    assert institution.latitude is not None  # placed at the postcode
    response = client.post(
        reverse("institution-update", kwargs={"pk": institution.pk}),
        {
            "kind": "job_centre",
            "job_centre_type": "municipal",
            "name": "Jobcenter Kreis Wesel",
            "postcode": "46483",
            "town": "Wesel",
            "latitude": "51.66",
            "longitude": "6.62",
        },
    )
    institution.refresh_from_db()
    assert institution.job_centre_type == "municipal"


def test_staff_adds_a_colleague_at_their_own_institution_only(client, staff, family_centre, wesel):
    other = InstitutionFactory(region=wesel)
    client.force_login(staff)
    url = reverse("person-create", kwargs={"region_key": "05170"})
    form = client.get(url).context["form"]
    assert list(form.fields["institution"].queryset) == [family_centre]
    client.post(
        url,
        {
            "first_name": "Olena",
            "last_name": "Koval",
            "function": "family_centre_staff",
            "institution": other.pk,
        },
    )
    assert not Person.objects.filter(last_name="Koval").exists()
    client.post(
        url,
        {
            "first_name": "Olena",
            "last_name": "Koval",
            "function": "family_centre_staff",
            "institution": family_centre.pk,
            "moderated_formats": ["parent_cafe"],
        },
    )
    assert Person.objects.get(last_name="Koval").moderated_formats == ["parent_cafe"]


def test_family_centre_head_edits_opening_hours_in_a_week_grid(client, staff, family_centre):
    client.force_login(staff)
    url = reverse("opening-hours", kwargs={"pk": family_centre.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"0_opens": "07:30", "0_closes": "16:30", "0_late_until": "17:30", "1_opens": "09:00"}
    )
    assert 'href="#id_1_opens"' in response.content.decode()
    assert not family_centre.opening_periods.exists()
    client.post(url, {"0_opens": "07:30", "0_closes": "16:30", "0_late_until": "17:30"})
    assert family_centre.opening_periods.count() == 2
    body = client.get(reverse("institution-detail", kwargs={"pk": family_centre.pk}))
    assert "16:30–17:30" in body.content.decode()


def test_network_of_at_most_five_kitas(client, staff, family_centre):
    client.force_login(staff)
    url = reverse("network-members", kwargs={"pk": family_centre.pk})
    for number in range(4):
        client.post(url, {"name": f"Kita {number}", "postcode": "46483", "town": "Wesel"})
    response = client.post(url, {"name": "Kita 5", "postcode": "46483", "town": "Wesel"})
    assert "höchstens fünf Kitas" in response.content.decode() or "at most five" in (
        response.content.decode()
    )
    assert family_centre.network_members.count() == 4
    response = client.post(url, {"name": "Kita X", "postcode": "464", "town": "Wesel"})
    assert family_centre.network_members.count() == 4
    member = family_centre.network_members.first()
    client.post(url, {"remove": member.pk})
    assert family_centre.network_members.count() == 3


def test_coordinator_deletes_an_empty_institution_only(client, coordinator, family_centre, wesel):
    empty = InstitutionFactory(region=wesel, name="Geschlossenes FZ")
    PersonFactory(institution=family_centre)
    client.force_login(coordinator)
    client.post(reverse("institution-delete", kwargs={"pk": family_centre.pk}))
    assert Institution.objects.filter(pk=family_centre.pk).exists()
    client.post(reverse("institution-delete", kwargs={"pk": empty.pk}))
    assert not Institution.objects.filter(pk=empty.pk).exists()


def test_removing_a_person_deactivates_their_account(client, coordinator, staff):
    client.force_login(coordinator)
    client.post(reverse("person-delete", kwargs={"pk": staff.person.pk}))
    staff.refresh_from_db()
    assert staff.person is None and not staff.is_active


def test_region_home_lists_certifications_to_renew(client, coordinator, wesel):
    from datetime import date, timedelta

    today = date.today()
    InstitutionFactory(
        region=wesel,
        name="FZ bald",
        certified_from=today - timedelta(days=1400),
        certified_until=today + timedelta(days=60),
    )
    InstitutionFactory(
        region=wesel,
        name="FZ lange",
        certified_from=today,
        certified_until=today + timedelta(days=1400),
    )
    client.force_login(coordinator)
    response = client.get(reverse("region-home", kwargs={"region_key": "05170"}))
    expiring = next(p for p in response.context["panels"] if p["key"] == "expiring")["data"]
    assert [centre.name for centre in expiring["certifications"]] == ["FZ bald"]
    assert reverse("institution-detail", args=[expiring["certifications"][0].pk]) in (
        response.content.decode()
    )


def test_institution_list_sums_up_institutions_by_kind_and_people(
    client, coordinator, wesel, staff, youth_welfare_office
):
    client.force_login(coordinator)
    response = client.get(reverse("institution-list", args=[wesel.key]))
    counts = {kind: count for kind, _label, count in response.context["counts"]}
    assert counts["family_centre"] == 1 and counts["youth_welfare_office"] == 1
    assert response.context["people_count"] == 1
    assert '?kind=youth_welfare_office"' in response.content.decode()


def test_map_only_when_tiles_are_switched_on(client, coordinator, family_centre, settings):
    client.force_login(coordinator)
    url = reverse("institution-detail", kwargs={"pk": family_centre.pk})
    family_centre.latitude, family_centre.longitude = 51.66, 6.62
    family_centre.save()
    body = client.get(url).content.decode()
    assert "data-map" not in body and "leaflet" not in body
    settings.MAP_TILES_URL = "https://tiles.example.de/{z}/{x}/{y}.png"
    body = client.get(url).content.decode()
    assert "data-map" in body and "leaflet.js" in body and "tiles.example.de" in body
    assert '"lat": 51.66' in body


def test_removing_yourself_is_refused_with_a_message_not_an_error(client, staff):
    client.force_login(staff)
    response = client.post(reverse("person-delete", kwargs={"pk": staff.person.pk}), follow=True)
    assert response.status_code == 200
    assert Person.objects.filter(pk=staff.person.pk).exists()
    assert "selbst" in response.content.decode() or "yourself" in response.content.decode()
