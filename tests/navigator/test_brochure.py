"""The Lotsenbroschüre of a family centre, read back from the PDF: the offers within the radius
grouped by need, each with a QR code whose target (the offer's online entry) is printed under
it and linked; the centre's upcoming events; the §4 contacts of its Jugendamt without direct
numbers; A4 or A5; made by the centre's own staff (and the coordinator), not by another's."""

import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from neuewege.core.access import system_access
from neuewege.core.models import Institution, User
from neuewege.navigator import services
from neuewege.navigator.brochure import offer_url
from tests.factories import InstitutionFactory, PersonFactory, UserFactory, make_event

from .conftest import BORKEN_TOWN, DINSLAKEN, make_offer

pytestmark = pytest.mark.usefixtures("reference_data")
DIRECT = "0281 207-4499"


@pytest.fixture
def setting(wesel, borken, family_centre, youth_welfare_office):
    family_centre.youth_welfare_office = youth_welfare_office
    family_centre.save()
    services.keep_childcare(
        access=system_access(),
        youth_office=youth_welfare_office,
        postcodes="46483 46485",
        contacts=[
            {
                "topic": "kita",
                "name": "Kita-Platzvergabe",
                "phone": "0281 207-4455",
                "internal_phone": DIRECT,
            }
        ],
    )
    offers = {
        "debt": make_offer(wesel, "Schuldnerberatung Wesel", internal_phone="0281 9999-1"),
        "kita": make_offer(wesel, "Kita-Büro Wesel", needs=("kita",), languages=("de", "tr")),
        "far": make_offer(wesel, "Schuldnerberatung Dinslaken", place=DINSLAKEN),  # ~13 km
        "borken": make_offer(borken, "Schuldnerberatung Borken", place=BORKEN_TOWN),
    }
    make_event(family_centre, title="Elterncafé am Dienstag")
    return offers


def download(client, centre, **params):
    params = {"radius": "10", "language": "en", "size": "A4", "download": "pdf"} | params
    return client.get(reverse("centre-brochure", args=[centre.pk]), params)


def read(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    return reader, " ".join(text.split()), links


def test_the_brochure_lists_the_offers_by_need_with_their_qr_targets(
    client, staff, family_centre, setting
):
    client.force_login(staff)
    _reader, text, links = read(download(client, family_centre))
    with translation.override("en"):
        money, childcare_label = gettext("Money and debts"), gettext("Childcare")
    assert money in text and childcare_label in text
    assert text.index(childcare_label) < text.index("Kita-Büro Wesel")
    assert text.index(money) < text.index("Schuldnerberatung Wesel")
    assert "Dinslaken" not in text.split(money)[1].split("Events")[0]  # beyond 10 km
    assert "Borken" not in text
    for offer in (setting["debt"], setting["kita"]):
        url = offer_url(offer.pk)
        assert url.startswith(settings.BASE_URL) and f"/hilfe/{offer.pk}/" in url
        assert url in links
        assert url in text.replace(" ", "")  # the target in small print under the code
    assert "When: Mon–Fri 9 a.m.–4 p.m." in text  # the opening hours in words
    assert "Turkish" in text  # the languages
    assert "Elterncafé am Dienstag" in text  # the centre's event
    assert "Kita-Platzvergabe" in text and "0281 207-4455" in text  # §4
    assert DIRECT not in text and "9999-1" not in text  # never a direct number


def test_a_wider_radius_takes_in_more(client, staff, family_centre, setting):
    client.force_login(staff)
    _reader, text, _links = read(download(client, family_centre, radius="20"))
    assert "Schuldnerberatung Dinslaken" in text


def test_a4_and_a5(client, staff, family_centre, setting):
    client.force_login(staff)
    a4, _text, _links = read(download(client, family_centre, size="A4"))
    a5, _text, _links = read(download(client, family_centre, size="A5"))
    width, height = (float(value) for value in a4.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)
    width, height = (float(value) for value in a5.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (420, 595)


def test_the_brochure_in_arabic_and_bad_choices(client, staff, family_centre, setting):
    client.force_login(staff)
    _reader, _text, links = read(download(client, family_centre, language="ar"))
    assert offer_url(setting["debt"].pk) in links
    for bad in ({"radius": "7"}, {"size": "A3"}, {"language": "xx"}):
        response = download(client, family_centre, **bad)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")


def test_only_the_centres_own_staff_and_the_coordinator_make_it(
    client, wesel, staff, family_centre, coordinator, setting
):
    other = InstitutionFactory(region=wesel, name="Familienzentrum Arche")
    client.force_login(staff)
    assert client.get(reverse("centre-brochure", args=[family_centre.pk])).status_code == 200
    assert download(client, other).status_code == 403
    office = Institution.objects.get(kind=Institution.Kind.YOUTH_WELFARE_OFFICE)
    assert client.get(reverse("centre-brochure", args=[office.pk])).status_code == 404
    client.force_login(coordinator)
    read(download(client, other))
    stranger = UserFactory(
        role=User.Role.STAFF, person=PersonFactory(institution=InstitutionFactory(region=wesel))
    )
    client.force_login(stranger)
    assert download(client, family_centre).status_code == 403


def test_a_kurdish_offer_names_its_language(client, staff, family_centre, setting, wesel):
    make_offer(wesel, "Elternberatung auf Kurdisch", needs=("parenting",), languages=("ku", "ps"))
    client.force_login(staff)
    _reader, text, _links = read(download(client, family_centre))  # in English
    assert "Elternberatung auf Kurdisch" in text
    assert "Kurdish" in text and "Pashto" in text
    _reader, text, _links = read(download(client, family_centre, language="de"))
    assert "Kurdisch" in text and "Paschtu" in text


def test_a_need_with_many_offers_prints_the_nearest_and_links_to_the_rest(
    client, staff, family_centre, setting, wesel
):
    from neuewege.navigator.brochure import PER_NEED

    for number in range(PER_NEED + 2):
        make_offer(wesel, f"Schuldnerhilfe {number:02d}")
    client.force_login(staff)
    _reader, text, links = read(download(client, family_centre))
    printed = [n for n in range(PER_NEED + 2) if f"Schuldnerhilfe {n:02d}" in text]
    assert len(printed) + ("Schuldnerberatung Wesel" in text) == PER_NEED
    search = sorted({url for url in links if "/hilfe/?" in url})
    assert len(search) == 1 and "bedarf=money" in search[0] and "plz=46483" in search[0]
    assert "3 more offers of this kind near us" in text
