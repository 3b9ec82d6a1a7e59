"""The demand and speaker pages: the coordinator keeps everything of the region, a family
centre's staff only their centre's requests, another region sees nothing."""

from neuewege.core.models import EventFormat, Person
from neuewege.coverage.models import CentreRequest, SpeakerCapacity
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

from .conftest import request_data


def form_data(**changes):
    data = request_data(**changes)
    return {
        "year": data["year"],
        "format": data["format"],
        "frequency": "12",
        "weekdays": data["weekdays"],
        "part_of_day": data["part_of_day"],
        "avoid_months": data["avoid_months"],
        "note": data["note"],
    }


def make_request(centre, **changes):
    values = request_data(**changes)
    return CentreRequest.objects.create(family_centre=centre, **values)


def test_the_coordinator_adds_and_edits_a_request(client, coordinator, opening_hours):
    client.force_login(coordinator)
    url = f"/institutions/{opening_hours.pk}/requests/new/"
    assert client.get(url).status_code == 200
    response = client.post(url, form_data())
    assert response.status_code == 302
    request = CentreRequest.objects.get()
    assert (request.per_year, request.weekdays, request.avoid_months) == (12, [1], [7, 8])
    response = client.post(
        f"/centre-requests/{request.pk}/edit/",
        form_data() | {"frequency": "other", "per_year": "6"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.per_year == 6
    page = client.get("/regions/05170/coverage/demand/?year=2027").content.decode()
    assert opening_hours.name in page and "Elterncafé" in page
    demand = client.get("/regions/05170/coverage/demand/?year=2027").context["demand"]
    assert demand.totals == [("Elterncafé", 1, 6)] and demand.with_requests == 1


def test_a_request_outside_the_opening_hours_is_shown_at_its_field(
    client, coordinator, opening_hours
):
    client.force_login(coordinator)
    response = client.post(
        f"/institutions/{opening_hours.pk}/requests/new/", form_data(weekdays=[6])
    )
    assert response.status_code == 200
    assert "Das Familienzentrum ist am Sonntag geschlossen." in response.content.decode()
    assert not CentreRequest.objects.exists()


def test_as_usual_takes_the_formats_default(client, coordinator, family_centre):
    client.force_login(coordinator)
    data = form_data(format=EventFormat.INFO_SESSION) | {"frequency": ""}
    client.post(f"/institutions/{family_centre.pk}/requests/new/", data)
    assert CentreRequest.objects.get().per_year == 2


def test_staff_keep_only_their_own_centres_requests(client, staff, family_centre, wesel):
    neighbour = InstitutionFactory(region=wesel, name="Familienzentrum Nebenan")
    theirs = make_request(neighbour)
    mine = make_request(family_centre)
    client.force_login(staff)
    assert client.get(f"/centre-requests/{mine.pk}/edit/").status_code == 200
    assert client.get(f"/centre-requests/{theirs.pk}/edit/").status_code == 403
    assert (
        client.post(f"/institutions/{neighbour.pk}/requests/new/", form_data()).status_code == 403
    )
    page = client.get("/regions/05170/coverage/demand/?year=2027").content.decode()
    assert f"/centre-requests/{mine.pk}/edit/" in page
    assert f"/centre-requests/{theirs.pk}/edit/" not in page  # seen, not changed
    assert client.post(f"/centre-requests/{mine.pk}/delete/").status_code == 302
    assert list(CentreRequest.objects.all()) == [theirs]


def test_another_region_gets_404(client, borken, family_centre, case_manager):
    request = make_request(family_centre)
    capacity = SpeakerCapacity.objects.create(person=case_manager)
    client.force_login(UserFactory(role="coordinator", regions=[borken]))
    for url in (
        "/regions/05170/coverage/demand/",
        "/regions/05170/coverage/speakers/",
        f"/institutions/{family_centre.pk}/requests/new/",
        f"/centre-requests/{request.pk}/edit/",
        f"/centre-requests/{request.pk}/delete/",
        f"/speaker-capacities/{capacity.pk}/edit/",
        f"/people/{case_manager.pk}/speaker-capacity/",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(f"/centre-requests/{request.pk}/delete/")
    assert response.status_code == 404 and CentreRequest.objects.exists()


def test_the_speakers_page_marks_who_is_qualified_for_nothing(
    client, coordinator, case_manager, job_centre
):
    unqualified = PersonFactory(
        institution=job_centre, function=Person.Function.BCA, last_name="Ohneformat"
    )
    client.force_login(coordinator)
    page = client.get("/regions/05170/coverage/speakers/").content.decode()
    assert case_manager.last_name in page and "Elterncafé" in page
    assert "Ohneformat" in page and "wird nicht eingeplant" in page
    # a capacity is recorded from the person, even without a qualification
    url = f"/people/{unqualified.pk}/speaker-capacity/"
    assert "Für kein Format qualifiziert" in client.get(url).content.decode()
    data = {"hours_per_month": "4", "max_travel_km": "20", "max_travel_minutes": "30"}
    response = client.post(url, data | {"unavailable_dates": "24.12.2026, 2026-12-31"})
    assert response.status_code == 302
    capacity = SpeakerCapacity.objects.get(person=unqualified)
    assert capacity.unavailable_dates == ["2026-12-24", "2026-12-31"]
    assert not capacity.active  # unticked in the form
    response = client.post(
        f"/speaker-capacities/{capacity.pk}/edit/", data | {"max_travel_km": "0", "active": "on"}
    )
    assert response.status_code == 200 and "kein Familienzentrum" in response.content.decode()
    capacity.refresh_from_db()
    assert capacity.max_travel_km == 20


def test_staff_and_viewers_see_the_speakers_but_do_not_edit_them(client, staff, case_manager):
    capacity = SpeakerCapacity.objects.create(person=case_manager)
    client.force_login(staff)
    page = client.get("/regions/05170/coverage/speakers/").content.decode()
    assert case_manager.last_name in page and "/speaker-capacities/" not in page
    assert client.get(f"/speaker-capacities/{capacity.pk}/edit/").status_code == 403
