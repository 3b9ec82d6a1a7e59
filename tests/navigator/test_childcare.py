"""§4 childcare information: the district for a client's postcode (the nearest one when no
district holds it), the rules of keeping it (a Jugendamt's staff keep their own; a postcode
belongs to one district of a region), the case manager's search page and the client's sheet as
a PDF read back — in the client's language, with the public numbers and never a direct one."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from neuewege.core.access import access_for, system_access
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import Institution, User
from neuewege.navigator import childcare, services
from neuewege.navigator.models import ChildcareDistrict
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

from .conftest import make_offer

PUBLIC, DIRECT = "0281 207-4455", "0281 207-4499"


def keep(office, postcodes, **fields):
    fields.setdefault(
        "contacts",
        [
            {
                "topic": "kita",
                "name": "Kita-Platzvergabe",
                "phone": PUBLIC,
                "email": "kita@kreis-wesel.example",
                "internal_phone": DIRECT,
                "hours": "Mo–Fr 8–12 Uhr",
            }
        ],
    )
    return services.keep_childcare(
        access=fields.pop("access", system_access()),
        youth_office=office,
        postcodes=postcodes,
        how_to_apply="Anmeldung über den Kita-Navigator des Kreises.",
        portal_url="https://kita-navigator.kreis-wesel.example",
        short_notice="Notfallbetreuung über das Familienbüro.",
        **fields,
    )


@pytest.fixture
def dinslaken_office(wesel):
    return InstitutionFactory(
        region=wesel,
        kind=Institution.Kind.YOUTH_WELFARE_OFFICE,
        name="Jugendamt Dinslaken",
        postcode="46535",
        town="Dinslaken",
    )


@pytest.fixture
def districts(youth_welfare_office, dinslaken_office):
    return {
        "kreis": keep(youth_welfare_office, "46483 46485, 46487"),
        "dinslaken": keep(dinslaken_office, "46535 46537 46539", contacts=[]),
    }


def test_the_district_holding_the_postcode_is_responsible(districts):
    found = childcare.district_for("46485")
    assert found.district == districts["kreis"]
    assert not found.nearest
    assert childcare.district_for("46537").district == districts["dinslaken"]


def test_without_a_district_for_the_postcode_the_nearest_one_is_marked(districts):
    found = childcare.district_for("46569")  # Hünxe: between Wesel and Dinslaken, nearer Dinslaken
    assert found.nearest
    assert found.district == districts["dinslaken"]
    assert 0 < found.distance_km < 15


def test_an_unknown_postcode_is_an_error_at_the_field(districts):
    for postcode in ("00000", "4648", "abcde", ""):
        with pytest.raises(ValidationFailed) as error:
            childcare.childcare_search(postcode)
        assert "postcode" in error.value.errors


def test_a_postcode_of_another_district_of_the_region_is_refused(districts, dinslaken_office):
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        keep(dinslaken_office, "46535 46483")
    message = error.value.errors["postcodes"][0]
    assert "46483" in message and "Jugendamt Kreis Wesel" in message
    assert ChildcareDistrict.objects.get(youth_office=dinslaken_office).postcode_list == [
        "46535",
        "46537",
        "46539",
    ]


def test_postcodes_must_be_five_digits_and_known(youth_welfare_office):
    for wrong in ("4648", "46483 99999x", "00000"):
        with pytest.raises(ValidationFailed) as error:
            keep(youth_welfare_office, wrong)
        assert "postcodes" in error.value.errors
    assert not ChildcareDistrict.objects.exists()


def test_a_contact_needs_a_phone_or_an_e_mail(youth_welfare_office):
    with pytest.raises(ValidationFailed) as error:
        keep(youth_welfare_office, "46483", contacts=[{"topic": "kita", "name": "Niemand"}])
    assert "contacts" in error.value.errors


def test_staff_of_the_jugendamt_keep_their_own_district_only(
    youth_welfare_office, dinslaken_office
):
    person = PersonFactory(institution=youth_welfare_office)
    account = UserFactory(role=User.Role.STAFF, person=person)
    keep(youth_welfare_office, "46483", access=access_for(account))
    with pytest.raises(PermissionDenied):
        keep(dinslaken_office, "46535", access=access_for(account))
    assert not ChildcareDistrict.objects.filter(youth_office=dinslaken_office).exists()


def test_the_edit_page_saves_for_the_own_jugendamt_and_refuses_another(
    client, youth_welfare_office, dinslaken_office
):
    person = PersonFactory(institution=youth_welfare_office)
    client.force_login(UserFactory(role=User.Role.STAFF, person=person))
    url = reverse("childcare-edit", args=[youth_welfare_office.pk])
    assert client.get(url).status_code == 200
    data = {
        "postcodes": "46483 46485",
        "how_to_apply": "Online",
        "portal_url": "",
        "short_notice": "",
        "extended_hours": "",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-topic": "kita",
        "contacts-0-name": "Kita-Büro",
        "contacts-0-phone": PUBLIC,
        "contacts-0-internal_phone": DIRECT,
        "vacancies-TOTAL_FORMS": "1",
        "vacancies-INITIAL_FORMS": "0",
    }
    assert client.post(url, data).status_code == 302
    district = ChildcareDistrict.objects.get(youth_office=youth_welfare_office)
    assert district.postcode_list == ["46483", "46485"]
    assert district.contacts.get().internal_phone == DIRECT
    response = client.post(url, data | {"postcodes": "4648x"})
    assert response.status_code == 400
    assert client.get(reverse("childcare-edit", args=[dinslaken_office.pk])).status_code == 403


@pytest.fixture
def case_manager(wesel):
    job_centre = InstitutionFactory(
        region=wesel, kind=Institution.Kind.JOB_CENTRE, name="Jobcenter Kreis Wesel"
    )
    return UserFactory(role=User.Role.STAFF, person=PersonFactory(institution=job_centre))


def test_the_search_page_shows_the_jugendamt_with_its_direct_number(
    client, wesel, districts, case_manager
):
    make_offer(wesel, "Kita Regenbogen", needs=("kita",))
    client.force_login(case_manager)
    url = reverse("childcare-search", args=[wesel.key])
    with translation.override("en"):
        page = client.get(url, {"postcode": "46485", "language": "tr"}).content.decode()
    assert "Jugendamt Kreis Wesel" in page and PUBLIC in page and DIRECT in page
    assert "Kita Regenbogen" in page
    response = client.get(url, {"postcode": "99999", "language": "de"})
    assert response.status_code == 400
    assert "postcode" in response.content.decode().lower() or "Postleitzahl" in (
        response.content.decode()
    )


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


@pytest.mark.parametrize(("language", "page"), [("de", "Seite 1"), ("en", "Page 1"), ("tr", "")])
def test_the_client_sheet_is_one_page_in_the_language_without_direct_numbers(
    client, wesel, districts, case_manager, language, page
):
    client.force_login(case_manager)
    response = client.get(
        reverse("childcare-sheet", args=[wesel.key]), {"postcode": "46483", "language": language}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text, pages = pdf_text(response.content)
    assert pages == 1
    assert "Jugendamt Kreis Wesel" in text and PUBLIC in text
    assert DIRECT not in text
    with translation.override(language):
        assert gettext("Your Jugendamt") in text
        assert gettext("Place in a Kita") in text  # the contact's topic
    assert page in text


def test_the_arabic_sheet_is_made_right_to_left(client, wesel, districts, case_manager):
    client.force_login(case_manager)
    url = reverse("childcare-sheet", args=[wesel.key])
    response = client.get(url, {"postcode": "46483", "language": "ar"})
    text, pages = pdf_text(response.content)
    assert pages == 1 and PUBLIC in text and DIRECT not in text
    page = client.get(url, {"postcode": "46483", "language": "ar", "print": "1"})
    assert page.status_code == 200
    assert 'dir="rtl"' in page.content.decode() and DIRECT not in page.content.decode()


def test_the_sheet_for_an_unknown_postcode_shows_the_error_at_the_field(
    client, wesel, districts, case_manager
):
    client.force_login(case_manager)
    url = reverse("childcare-sheet", args=[wesel.key])
    response = client.get(url, {"postcode": "00000", "language": "de"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert client.get(url, {"postcode": "46483", "language": "xx"}).status_code == 400


def test_a_search_from_another_region_shows_no_direct_numbers_of_this_one(
    client, districts, borken
):
    """A case manager of Kreis Borken with a client from Wesel: the Jugendamt and its public
    numbers, but neither its direct numbers nor those of Wesel's offers."""
    make_offer(
        districts["kreis"].youth_office.region,
        "Kita-Büro Wesel",
        needs=("kita",),
        internal_phone="0281 9999-77",
    )
    coordinator_b = UserFactory(role=User.Role.COORDINATOR, regions=[borken])
    client.force_login(coordinator_b)
    page = client.get(
        reverse("childcare-search", args=[borken.key]), {"postcode": "46483", "language": "de"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Jugendamt Kreis Wesel" in html and PUBLIC in html
    assert DIRECT not in html and "9999-77" not in html
    result = childcare.childcare_search("46483", region=districts["kreis"].youth_office.region)
    assert result.internal  # the region's own case managers see them
