"""The staff pages of the directory through the test client: the coordinator enters an offer
with weekdays and times, staff of the keeping institution change their own offers but not
another's, bad input is answered at its field, the list filters and the out-of-date list."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from neuewege.navigator.models import Offer, Organization
from tests.factories import InstitutionFactory

from .conftest import make_offer


def form_data(**changes):
    data = {
        "name": "Schuldnerberatung Wesel",
        "description": "Hilfe bei Schulden, kostenlos und vertraulich.",
        "needs": ["debt"],
        "organization": "new",
        "new_organization": "Diakonie Wesel",
        "languages": ["de", "tr"],
        "free_of_charge": "on",
        "place_0_street": "Korbmacherstraße 14",
        "place_0_postcode": "46483",
        "place_0_town": "Wesel",
        "schedule_0_days": ["MO", "WE"],
        "schedule_0_opens_at": "09:00",
        "schedule_0_closes_at": "12:30",
        "phone": "0281 1234-0",
        "contact_0_name": "Frau Demir",
        "contact_0_phone": "0281 1234-12",
        "contact_0_internal": "on",
        "name_tr": "Borç danışmanlığı",
    }
    return {key: value for key, value in (data | changes).items() if value is not None}


def test_the_coordinator_enters_an_offer_with_weekdays_and_times(client, coordinator, wesel):
    client.force_login(coordinator)
    response = client.post(reverse("offer-create", args=[wesel.key]), form_data())
    offer = Offer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("offer-detail", args=[offer.pk])
    schedule = offer.schedules.get()
    assert schedule.rrule == "FREQ=WEEKLY;BYDAY=MO,WE"
    assert (schedule.opens_at.hour, schedule.closes_at.minute) == (9, 30)
    assert offer.organization.name == "Diakonie Wesel" and offer.keeper is None
    assert offer.contacts.get().internal
    assert offer.name_tr == "Borç danışmanlığı"
    assert offer.checked_on == timezone.localdate()
    page = client.get(response["Location"])
    assert "Schuldnerberatung Wesel" in page.content.decode()
    assert "0281 1234-12" in page.content.decode()  # staff see the direct number


def test_an_advanced_rule_is_taken_as_written_and_shown_again(client, coordinator, wesel):
    client.force_login(coordinator)
    rule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    client.post(
        reverse("offer-create", args=[wesel.key]),
        form_data(schedule_0_days=None, schedule_0_rrule=rule),
    )
    offer = Offer.objects.get()
    assert offer.schedules.get().rrule == rule
    page = client.get(reverse("offer-edit", args=[offer.pk])).content.decode()
    assert f'value="{rule}"' in page
    assert 'value="Korbmacherstraße 14"' in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"place_0_postcode": "00000"}, "place_0_postcode", "We do not know this postcode"),
        ({"place_0_postcode": "4648"}, "place_0_postcode", "Five digits"),
        (
            {"schedule_0_days": None, "schedule_0_rrule": "every monday"},
            "schedule_0_rrule",
            "Opening hours repeat daily, weekly or monthly",
        ),
        ({"schedule_0_days": None}, "schedule_0_days", "Choose the weekdays"),
        ({"schedule_0_closes_at": "08:00"}, "schedule_0_closes_at", "after the opening time"),
        ({"phone": "", "contact_0_phone": ""}, "phone", "Give a way to reach the offer"),
        ({"needs": None}, "needs", "required"),
        (
            {"place_0_street": "", "place_0_postcode": "", "place_0_town": ""},
            "place_0_street",
            "Enter a place",
        ),
        ({"place_0_town": ""}, "place_0_town", "Enter the town"),
        ({"minimum_age": "18", "maximum_age": "3"}, "maximum_age", "must not be below"),
        ({"new_organization": ""}, "new_organization", "Name the new organisation"),
    ],
)
def test_bad_input_is_answered_at_its_field_and_nothing_is_saved(
    client, coordinator, wesel, changes, field, message
):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("offer-create", args=[wesel.key]), form_data(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    page = response.content.decode()
    assert "error-summary" in page and f'href="#id_{field}' in page
    assert not Offer.objects.exists()
    assert not Organization.objects.exists()


def test_staff_change_their_own_offer_but_not_anothers(client, staff, family_centre, wesel):
    own = make_offer(wesel, "Elterncafé Sonnenschein", keeper=family_centre)
    other = make_offer(wesel, "Caritas", keeper=InstitutionFactory(region=wesel, name="Caritas"))
    regions = make_offer(wesel, "Familientelefon")
    client.force_login(staff)
    assert client.get(reverse("offer-edit", args=[own.pk])).status_code == 200
    response = client.post(
        reverse("offer-edit", args=[own.pk]),
        form_data(name="Elterncafé am Markt", organization=f"o{own.organization_id}"),
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.name == "Elterncafé am Markt" and own.keeper == family_centre
    for offer in (other, regions):
        assert client.get(reverse("offer-edit", args=[offer.pk])).status_code == 403
        assert client.post(reverse("offer-edit", args=[offer.pk]), form_data()).status_code == 403
        assert client.post(reverse("offer-confirm", args=[offer.pk])).status_code == 403
        assert client.get(reverse("offer-detail", args=[offer.pk])).status_code == 200
    # the form has no keeper to choose: staff's new offers are their institution's
    assert (
        "keeper" not in client.get(reverse("offer-create", args=[wesel.key])).context["form"].fields
    )
    client.post(reverse("offer-create", args=[wesel.key]), form_data(name="Krabbelgruppe"))
    assert Offer.objects.get(name="Krabbelgruppe").keeper == family_centre


def test_another_regions_offer_is_not_found(client, coordinator, borken):
    offer = make_offer(borken, "Schuldnerberatung Borken")
    client.force_login(coordinator)
    assert client.get(reverse("offer-detail", args=[offer.pk])).status_code == 404
    assert client.get(reverse("offer-list", args=[borken.key])).status_code == 404


def test_the_list_filters_by_need_keeper_freshness_and_name(
    client, coordinator, wesel, family_centre
):
    today = timezone.localdate()
    make_offer(wesel, "Schuldnerberatung", checked_on=date(today.year - 2, 1, 1))
    make_offer(wesel, "Integrationskurs", needs=("integration-course",), keeper=family_centre)
    client.force_login(coordinator)
    url = reverse("offer-list", args=[wesel.key])

    def names(**query):
        return sorted(offer.name for offer in client.get(url, query).context["page"])

    assert names() == ["Integrationskurs", "Schuldnerberatung"]
    assert names(need="german") == ["Integrationskurs"]
    assert names(keeper=str(family_centre.pk)) == ["Integrationskurs"]
    assert names(keeper="none") == ["Schuldnerberatung"]
    assert names(fresh="hidden") == ["Schuldnerberatung"]
    assert names(fresh="current") == ["Integrationskurs"]
    assert names(q="schuldner") == ["Schuldnerberatung"]
    assert client.get(url, {"keeper": "9" * 30, "need": "<x>"}).status_code == 200


def test_the_out_of_date_list_lets_the_coordinator_confirm(client, coordinator, wesel):
    today = timezone.localdate()
    oldest = make_offer(wesel, "Ältestes", checked_on=date(today.year - 2, 1, 1))
    make_offer(
        wesel,
        "Älter",
        checked_on=date(today.year - 1, today.month, 1)
        if today.month > 6
        else date(today.year - 1, 1, 1),
    )
    make_offer(wesel, "Aktuell")
    client.force_login(coordinator)
    url = reverse("offer-stale", args=[wesel.key])
    offers = client.get(url).context["offers"]
    assert [offer.name for offer in offers] == ["Ältestes", "Älter"]
    response = client.post(reverse("offer-confirm", args=[oldest.pk]), {"next": url})
    assert response["Location"] == url
    assert Offer.objects.get(pk=oldest.pk).checked_on == today
    assert [offer.name for offer in client.get(url).context["offers"]] == ["Älter"]


def test_pausing_an_offer_from_its_page(client, coordinator, wesel):
    offer = make_offer(wesel, "Elterncafé")
    client.force_login(coordinator)
    client.post(reverse("offer-edit", args=[offer.pk]), {"status": "inactive"})
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.INACTIVE


def test_menus_lead_to_the_offers(client, coordinator, wesel, family_centre):
    make_offer(wesel, "Elterncafé", keeper=family_centre)
    client.force_login(coordinator)
    home = client.get(reverse("region-home", args=[wesel.key])).content.decode()
    assert reverse("offer-list", args=[wesel.key]) in home
    detail = client.get(reverse("institution-detail", args=[family_centre.pk])).content.decode()
    assert reverse("institution-offers", args=[family_centre.pk]) in detail
    page = client.get(reverse("institution-offers", args=[family_centre.pk]))
    assert [offer.name for offer in page.context["offers"]] == ["Elterncafé"]
    assert client.get(reverse("institution-offers", args=[2**63])).status_code == 404


def test_changing_an_offer_keeps_every_place_time_and_contact_it_has(client, coordinator, wesel):
    """An offer with more rows than the empty form shows (entered through the API or an
    import): the form shows them all, and a change of the name drops none — not the direct
    number listed last."""
    from datetime import time

    from neuewege.navigator.models import Contact, Schedule

    offer = make_offer(wesel, "Familienbüro", internal_phone="0281 55-99")
    for index, name in enumerate(("Frau A", "Herr B", "Frau C")):
        Contact.objects.create(offer=offer, name=name, phone=f"0281 55-{index}")
    for day in ("SA", "SU", "TU"):
        Schedule.objects.create(
            offer=offer, rrule=f"FREQ=WEEKLY;BYDAY={day}", opens_at=time(9), closes_at=time(11)
        )
    client.force_login(coordinator)
    url = reverse("offer-edit", args=[offer.pk])
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, False, "", []):
            continue
        if isinstance(value, list):
            data[name] = [str(item) for item in value]
        elif isinstance(value, time):
            data[name] = f"{value:%H:%M}"
        else:
            data[name] = "on" if value is True else str(value)
    data["name"] = "Familienbüro Wesel"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    offer.refresh_from_db()
    assert offer.name == "Familienbüro Wesel"
    assert offer.contacts.count() == 4 and offer.schedules.count() == 4
    assert offer.contacts.get(internal=True).phone == "0281 55-99"


def test_staff_working_in_english_find_offers_by_their_german_name(client, coordinator, wesel):
    make_offer(wesel, "Schuldnerberatung Wesel")
    make_offer(wesel, "Integrationskurs VHS", needs=("integration-course",))
    client.force_login(coordinator)
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(reverse("offer-list", args=[wesel.key]), {"q": "schuldner"})
    html = page.content.decode()
    assert 'lang="en"' in html
    assert "Schuldnerberatung Wesel" in html and "Integrationskurs VHS" not in html
