"""Demo data of the navigator: the directory of Kreis Wesel (~150 offers of real kinds of
providers in its towns, across every need of the taxonomy, with languages, opening hours,
places at postcode centroids, a few direct numbers for professionals and a few offers out of
date), the §4 childcare information of every Jugendamt (district postcodes, contacts, free places
of family centres), and at state scale ~20,000 offers across all regions.

Everything is written with ``bulk_create`` (a state build adds well under a minute) and drawn
from a seeded random generator: the same seed gives the same data. Generated once per region
(None when present already)."""

import random
import uuid
from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation

from neuewege.core.demo.generate import FAMILY_CENTRES_IN_STATE
from neuewege.core.demo.places import TOWNS
from neuewege.core.demo.scales import origin, prefix_of
from neuewege.core.models import Institution, Region
from neuewege.events.search import postcode_point

from .models import (
    ChildcareContact,
    ChildcareDistrict,
    ChildcareVacancy,
    Contact,
    Location,
    Need,
    Offer,
    OfferLanguage,
    Organization,
    Schedule,
    ServiceAtLocation,
)

WESEL = "05170"
STATE_OFFERS = 20_000

# The towns of Kreis Wesel: postcodes (the first one the centre of town) and phone prefixes.
WESEL_TOWNS = {
    "Wesel": (("46483", "46485", "46487"), "0281"),
    "Moers": (("47441", "47443", "47445", "47447"), "02841"),
    "Dinslaken": (("46535", "46537", "46539"), "02064"),
    "Kamp-Lintfort": (("47475",), "02842"),
    "Voerde": (("46562",), "02855"),
    "Rheinberg": (("47495",), "02843"),
    "Xanten": (("46509",), "02801"),
    "Hamminkeln": (("46499",), "02852"),
    "Neukirchen-Vluyn": (("47506",), "02845"),
    "Schermbeck": (("46514",), "02853"),
    "Sonsbeck": (("47665",), "02838"),
    "Alpen": (("46519",), "02802"),
    "Hünxe": (("46569",), "02858"),
}
BIG = ("Wesel", "Moers", "Dinslaken")
MIDDLE = ("Kamp-Lintfort", "Voerde", "Rheinberg", "Xanten", "Hamminkeln", "Neukirchen-Vluyn")
SMALL = ("Schermbeck", "Sonsbeck", "Alpen", "Hünxe")
STREETS = (
    "Bahnhofstraße",
    "Kirchstraße",
    "Hauptstraße",
    "Friedrich-Ebert-Straße",
    "Poststraße",
    "Rathausplatz",
    "Am Markt",
    "Schulstraße",
    "Goethestraße",
    "Steinstraße",
    "Neustraße",
    "Kaiserstraße",
)
WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"


@dataclass(frozen=True)
class Kind:
    """A kind of offer: who provides it ({town} filled in), its name, needs, languages beyond
    German, where (towns), when, and texts."""

    provider: str
    name: str
    needs: tuple[str, ...]
    towns: tuple[str, ...]
    description: str
    languages: tuple[str, ...] = ()
    schedule: tuple = (WEEKDAYS, time(9), time(12))
    documents: str = ""
    application: str = "Termin nach telefonischer Vereinbarung."
    eligibility: str = ""
    online: bool = False
    keeper: str = ""  # the kind of platform institution that keeps it
    free: bool = True
    fees: str = ""


KINDS = (
    Kind(
        "Jobcenter Kreis Wesel",
        "Arbeitsvermittlung und Beratung für Eltern",
        ("work", "return-to-work"),
        (*BIG, "Kamp-Lintfort", "Rheinberg"),
        "Wir beraten Sie zu Arbeit, Weiterbildung und Kinderbetreuung – auch in Teilzeit.",
        ("en", "tr", "ar"),
        (WEEKDAYS, time(8), time(12, 30)),
        "Personalausweis, Bescheid des Jobcenters, Lebenslauf",
        keeper=Institution.Kind.JOB_CENTRE,
    ),
    Kind(
        "Jobcenter Kreis Wesel",
        "Beratung für Alleinerziehende",
        ("work", "separation"),
        BIG,
        "Arbeit und Familie unter einen Hut bringen: Beratung zu Teilzeit, Betreuung und "
        "Leistungen.",
        ("en", "tr"),
        ("FREQ=WEEKLY;BYDAY=TU,TH", time(9), time(15)),
        keeper=Institution.Kind.JOB_CENTRE,
    ),
    Kind(
        "Agentur für Arbeit Wesel",
        "Berufsberatung im Erwerbsleben",
        ("training", "work"),
        ("Wesel", "Moers", "Dinslaken"),
        "Berufliche Neuorientierung, Weiterbildung und Umschulung – kostenlos und vertraulich.",
        ("en",),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", time(8), time(12, 30)),
        keeper=Institution.Kind.EMPLOYMENT_AGENCY,
    ),
    Kind(
        "Agentur für Arbeit Wesel",
        "Beauftragte für Chancengleichheit am Arbeitsmarkt",
        ("return-to-work", "part-time-training"),
        ("Wesel", "Moers"),
        "Wiedereinstieg nach der Elternzeit, Ausbildung und Arbeit in Teilzeit.",
        ("en",),
        ("FREQ=WEEKLY;BYDAY=WE", time(9), time(16)),
        keeper=Institution.Kind.EMPLOYMENT_AGENCY,
    ),
    Kind(
        "Agentur für Arbeit Wesel",
        "Teilzeitausbildung: Beratung und Vermittlung",
        ("part-time-training",),
        ("Wesel", "Dinslaken"),
        "Eine Ausbildung in Teilzeit – wir suchen mit Ihnen einen Betrieb und klären die "
        "Betreuung.",
        schedule=("FREQ=WEEKLY;BYDAY=TH", time(9), time(15)),
        keeper=Institution.Kind.EMPLOYMENT_AGENCY,
    ),
    Kind(
        "Bildungswerk Niederrhein",
        "Bewerbungswerkstatt",
        ("application",),
        (*BIG, "Kamp-Lintfort", "Voerde", "Xanten"),
        "Lebenslauf, Anschreiben, Vorstellungsgespräch: gemeinsam bereiten wir Ihre Bewerbung vor.",
        ("tr", "ar", "uk"),
        ("FREQ=WEEKLY;BYDAY=MO,WE", time(9), time(12)),
        "Zeugnisse, Lebenslauf (wenn vorhanden)",
        application="Offene Sprechstunde, ohne Termin.",
    ),
    Kind(
        "Jugendamt {town}",
        "Kita-Platzvergabe",
        ("kita",),
        BIG + MIDDLE[:3],
        "Beratung zur Suche nach einem Platz in einer Kindertageseinrichtung und zur Anmeldung.",
        ("en",),
        ("FREQ=WEEKLY;BYDAY=MO,TU,TH", time(8, 30), time(12)),
        "Geburtsurkunde des Kindes, Nachweis der Berufstätigkeit oder Ausbildung",
        keeper=Institution.Kind.YOUTH_WELFARE_OFFICE,
    ),
    Kind(
        "Jugendamt {town}",
        "Vermittlung in Kindertagespflege",
        ("day-care",),
        (*BIG, "Kamp-Lintfort", "Voerde"),
        "Wir vermitteln Tagesmütter und Tagesväter für Kinder unter drei Jahren und ergänzend.",
        schedule=("FREQ=WEEKLY;BYDAY=TU,TH", time(9), time(12)),
        keeper=Institution.Kind.YOUTH_WELFARE_OFFICE,
    ),
    Kind(
        "Familienservice Niederrhein e.V.",
        "Notfall- und Randzeitenbetreuung",
        ("short-notice-care",),
        ("Wesel", "Moers", "Dinslaken", "Rheinberg"),
        "Betreuung am frühen Morgen, am Abend und kurzfristig, wenn die Kita geschlossen ist.",
        ("en", "pl"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", time(6), time(20)),
        free=False,
        fees="nach Einkommen gestaffelt",
    ),
    Kind(
        "Tagespflegeverein Kreis Wesel e.V.",
        "Tagesmütter und Tagesväter",
        ("day-care",),
        MIDDLE + SMALL,
        "Qualifizierte Kindertagespflege in kleinen Gruppen, auch zu Randzeiten.",
        ("pl", "ru"),
        ("FREQ=WEEKLY;BYDAY=MO,WE", time(9), time(12)),
    ),
    Kind(
        "Caritasverband {area} e.V.",
        "Schuldner- und Insolvenzberatung",
        ("debt",),
        (*BIG, "Kamp-Lintfort", "Xanten"),
        "Wir verschaffen uns mit Ihnen einen Überblick über Ihre Schulden und suchen Auswege.",
        ("tr", "ar"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,TH", time(9), time(16)),
        "Kontoauszüge, Briefe der Gläubiger, Einkommensnachweise",
    ),
    Kind(
        "Diakonisches Werk im Kirchenkreis {area}",
        "Schuldnerberatung",
        ("debt",),
        ("Wesel", "Moers", "Dinslaken", "Voerde", "Neukirchen-Vluyn"),
        "Hilfe bei Schulden, Pfändungsschutzkonto und Verbraucherinsolvenz.",
        ("ru", "uk"),
        ("FREQ=WEEKLY;BYDAY=TU,WE,TH", time(9), time(15)),
        "Kontoauszüge, Mahnungen, Einkommensnachweise",
    ),
    Kind(
        "Stadt {town}",
        "Wohngeldstelle",
        ("benefits", "housing"),
        BIG + MIDDLE,
        "Beratung und Antrag auf Wohngeld und Lastenzuschuss.",
        schedule=("FREQ=WEEKLY;BYDAY=MO,TU,TH,FR", time(8, 30), time(12)),
        documents="Mietvertrag, Einkommensnachweise, Personalausweis",
    ),
    Kind(
        "Familienkasse Nordrhein-Westfalen Nord",
        "Kindergeld und Kinderzuschlag",
        ("benefits",),
        ("Wesel",),
        "Beratung zu Kindergeld und Kinderzuschlag, auch am Telefon.",
        ("en", "tr", "ar", "uk", "ru", "pl"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", time(8), time(18)),
        online=True,
        application="Telefonisch oder online, ohne Termin.",
    ),
    Kind(
        "VHS {area}",
        "Integrationskurs mit Kinderbetreuung",
        ("integration-course",),
        (*BIG, "Kamp-Lintfort", "Rheinberg", "Xanten"),
        "Deutsch lernen von A1 bis B1 und Orientierungskurs; Kinderbetreuung während des Kurses.",
        ("ar", "tr", "uk", "ru"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH", time(8, 30), time(12, 45)),
        "Berechtigungsschein des BAMF oder Bescheid des Jobcenters",
    ),
    Kind(
        "VHS {area}",
        "Berufssprachkurs B2",
        ("german-for-work",),
        ("Wesel", "Moers", "Dinslaken"),
        "Deutsch für den Beruf: Sprache am Arbeitsplatz, Bewerbung, Fachwortschatz.",
        ("ar", "uk"),
        ("FREQ=WEEKLY;BYDAY=TU,TH", time(17, 30), time(20, 45)),
    ),
    Kind(
        "VHS {area}",
        "Hauptschulabschluss und Mittlerer Schulabschluss nachholen",
        ("school-qualification",),
        ("Wesel", "Moers", "Dinslaken"),
        "Schulabschluss in Abendkursen, auch in Teilzeit neben Familie und Arbeit.",
        schedule=("FREQ=WEEKLY;BYDAY=MO,WE", time(18), time(21)),
    ),
    Kind(
        "IQ Netzwerk NRW – Anerkennungsberatung",
        "Anerkennung ausländischer Berufsabschlüsse",
        ("recognition",),
        ("Wesel", "Moers", "Dinslaken"),
        "Wir klären mit Ihnen, wie Ihr Abschluss aus dem Ausland anerkannt werden kann.",
        ("en", "ar", "tr", "ru", "uk"),
        ("FREQ=WEEKLY;BYDAY=WE", time(10), time(16)),
        "Zeugnisse und Übersetzungen, Lebenslauf",
    ),
    Kind(
        "Caritasverband {area} e.V.",
        "Migrationsberatung für Erwachsene (MBE)",
        ("migration-counselling",),
        (*BIG, "Kamp-Lintfort", "Voerde", "Rheinberg"),
        "Beratung zu Aufenthalt, Sprachkursen, Arbeit, Wohnen und Familie nach der Einreise.",
        ("ar", "tr", "ru", "uk", "en"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,TH", time(9), time(13)),
    ),
    Kind(
        "AWO Kreisverband Wesel e.V.",
        "Jugendmigrationsdienst",
        ("migration-counselling", "training"),
        ("Moers", "Dinslaken", "Wesel", "Kamp-Lintfort"),
        "Für junge Menschen bis 27 Jahre: Schule, Ausbildung, Sprache und Aufenthalt.",
        ("ar", "tr", "en", "uk"),
        ("FREQ=WEEKLY;BYDAY=TU,WE", time(10), time(16)),
        eligibility="Junge Menschen von 12 bis 27 Jahren mit Migrationsgeschichte",
    ),
    Kind(
        "Caritasverband {area} e.V.",
        "Erziehungs- und Familienberatung",
        ("parenting",),
        (*BIG, "Kamp-Lintfort", "Xanten", "Hamminkeln"),
        "Beratung bei Fragen der Erziehung, bei Konflikten in der Familie und in Krisen.",
        ("tr", "pl"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH", time(9), time(17)),
    ),
    Kind(
        "Evangelische Familienbildungsstätte {area}",
        "Elternkurs „Starke Eltern – starke Kinder“",
        ("parenting",),
        ("Wesel", "Moers", "Dinslaken", "Rheinberg"),
        "Acht Abende für Eltern: Grenzen setzen, Streit lösen, Kinder stärken.",
        schedule=("FREQ=WEEKLY;BYDAY=WE", time(19), time(21)),
        free=False,
        fees="20 € (Ermäßigung möglich)",
    ),
    Kind(
        "Diakonisches Werk im Kirchenkreis {area}",
        "Schwangerschafts- und Schwangerschaftskonfliktberatung",
        ("pregnancy",),
        ("Wesel", "Moers", "Dinslaken"),
        "Beratung in der Schwangerschaft, zu finanziellen Hilfen und nach der Geburt.",
        ("en", "ar", "tr"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", time(9), time(12)),
    ),
    Kind(
        "Stadt {town}",
        "Frühe Hilfen – Willkommensbesuch",
        ("pregnancy", "parenting"),
        BIG + MIDDLE + SMALL,
        "Familienhebammen und Willkommensbesuche für Familien mit Babys.",
        ("tr", "ar"),
        ("FREQ=WEEKLY;BYDAY=MO,WE,FR", time(9), time(12)),
    ),
    Kind(
        "Jugendamt {town}",
        "Beistandschaft, Unterhalt und Umgang",
        ("separation",),
        BIG,
        "Beratung für getrennt lebende Eltern: Unterhalt, Unterhaltsvorschuss, Umgang.",
        schedule=("FREQ=WEEKLY;BYDAY=TU,TH", time(8, 30), time(12)),
        keeper=Institution.Kind.YOUTH_WELFARE_OFFICE,
    ),
    Kind(
        "Verband alleinerziehender Mütter und Väter, Ortsverband {town}",
        "Treff für Alleinerziehende",
        ("separation",),
        ("Wesel", "Moers"),
        "Austausch, Beratung und Kinderbetreuung beim monatlichen Treff.",
        schedule=("FREQ=MONTHLY;BYDAY=1SA", time(10), time(13)),
    ),
    Kind(
        "Sozialpsychiatrischer Dienst des Kreises Wesel",
        "Beratung in seelischen Krisen",
        ("mental-health",),
        ("Wesel", "Moers", "Dinslaken"),
        "Vertrauliche Beratung bei psychischen Belastungen, für Betroffene und Angehörige.",
        ("en", "tr", "ru"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", time(8), time(16)),
    ),
    Kind(
        "Frauenberatungsstelle {town}",
        "Beratung bei häuslicher Gewalt",
        ("violence",),
        ("Wesel", "Moers", "Dinslaken"),
        "Schutz, Beratung und Begleitung für Frauen bei Gewalt – vertraulich und kostenlos.",
        ("en", "tr", "ar", "ru", "pl"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH", time(9), time(15)),
        application="Anruf genügt; in Notfällen sofort.",
    ),
    Kind(
        "Diakonisches Werk im Kirchenkreis {area}",
        "Wohnungsnotfallhilfe",
        ("housing", "money"),
        ("Wesel", "Moers", "Dinslaken"),
        "Hilfe bei drohendem Wohnungsverlust, Mietschulden und der Suche nach einer Wohnung.",
        ("ru", "pl"),
        ("FREQ=WEEKLY;BYDAY=MO,TH", time(9), time(12)),
    ),
    Kind(
        "AWO Kreisverband Wesel e.V.",
        "Sozialberatung",
        ("benefits", "money"),
        MIDDLE + SMALL,
        "Hilfe bei Anträgen (Bürgergeld, Kinderzuschlag, Bildung und Teilhabe) und Briefen von "
        "Ämtern.",
        ("tr", "ar", "uk"),
        ("FREQ=WEEKLY;BYDAY=TU", time(9), time(12)),
        application="Offene Sprechstunde.",
    ),
)
AREAS = {  # the catchment areas of the providers named after one
    "Wesel": "Wesel",
    "Hamminkeln": "Wesel",
    "Schermbeck": "Wesel",
    "Xanten": "Moers-Xanten",
    "Sonsbeck": "Moers-Xanten",
    "Alpen": "Moers-Xanten",
    "Moers": "Moers",
    "Neukirchen-Vluyn": "Moers",
    "Kamp-Lintfort": "Moers",
    "Rheinberg": "Moers",
    "Dinslaken": "Dinslaken",
    "Voerde": "Dinslaken",
    "Hünxe": "Dinslaken",
}


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class Directory:
    """Collects the rows, then writes them with ``bulk_create``."""

    def __init__(self, rng: random.Random, today):
        self.rng, self.today = rng, today
        self.organizations, self.locations, self.offers = {}, [], []
        self.at_locations, self.languages, self.contacts, self.schedules = [], [], [], []
        self.needs = []
        self.need_ids = dict(Need.objects.values_list("code", "pk"))

    def organization(self, region, name, institution=None):
        key = (region.pk, name)
        if key not in self.organizations:
            self.organizations[key] = Organization(
                id=_uuid(self.rng), region=region, name=name, institution=institution
            )
        return self.organizations[key]

    def checked_on(self):
        """Most confirmed in the last five months; some aging, a few hidden."""
        draw = self.rng.random()
        if draw < 0.05:
            return self.today - timedelta(days=self.rng.randint(380, 540))
        if draw < 0.14:
            return self.today - timedelta(days=self.rng.randint(190, 350))
        return self.today - timedelta(days=self.rng.randint(0, 150))

    def offer(self, region, kind: Kind, town, postcode, point, prefix, organization, keeper):
        rng = self.rng
        phone = f"{prefix} {rng.randint(10, 99)}{rng.randint(100, 999)}-{rng.randint(0, 99)}"
        offer = Offer(
            id=_uuid(rng),
            region=region,
            organization=organization,
            keeper=keeper,
            name=f"{kind.name} {town}" if not kind.online else kind.name,
            description=kind.description,
            required_documents=kind.documents,
            application_process=kind.application,
            eligibility=kind.eligibility,
            phone=phone,
            free_of_charge=kind.free,
            fees=kind.fees,
            online=kind.online,
            checked_on=self.checked_on(),
        )
        self.offers.append(offer)
        for code in kind.needs:
            self.needs.append(Offer.needs.through(offer_id=offer.id, need_id=self.need_ids[code]))
        for code in ("de", *[c for c in kind.languages if rng.random() < 0.75]):
            self.languages.append(OfferLanguage(offer=offer, code=code))
        latitude, longitude = point
        location = Location(
            id=_uuid(rng),
            organization=organization,
            street=f"{rng.choice(STREETS)} {rng.randint(1, 80)}",
            postcode=postcode,
            town=town,
            latitude=Decimal(f"{latitude + rng.uniform(-0.008, 0.008):.5f}"),
            longitude=Decimal(f"{longitude + rng.uniform(-0.012, 0.012):.5f}"),
            step_free=rng.random() < 0.6,
            transportation=f"Bus {rng.randint(1, 99)}, Haltestelle {rng.choice(STREETS)}",
        )
        self.locations.append(location)
        self.at_locations.append(ServiceAtLocation(id=_uuid(rng), offer=offer, location=location))
        rule, opens_at, closes_at = kind.schedule
        self.schedules.append(
            Schedule(id=_uuid(rng), offer=offer, rrule=rule, opens_at=opens_at, closes_at=closes_at)
        )
        if rng.random() < 0.15:
            self.contacts.append(
                Contact(
                    id=_uuid(rng),
                    offer=offer,
                    name="Durchwahl für Fachkräfte",
                    phone=f"{phone.rsplit('-', 1)[0]}-{rng.randint(100, 199)}",
                    internal=True,
                )
            )
        return offer

    def save(self):
        with translation.override("de"):
            Organization.objects.bulk_create(self.organizations.values(), batch_size=2000)
            Location.objects.bulk_create(self.locations, batch_size=2000)
            Offer.objects.bulk_create(self.offers, batch_size=2000)
            ServiceAtLocation.objects.bulk_create(self.at_locations, batch_size=2000)
            Offer.needs.through.objects.bulk_create(self.needs, batch_size=4000)
            OfferLanguage.objects.bulk_create(self.languages, batch_size=4000)
            Contact.objects.bulk_create(self.contacts, batch_size=2000)
            Schedule.objects.bulk_create(self.schedules, batch_size=2000)
        return len(self.offers)


def _institutions(region):
    by_kind = {}
    for institution in Institution.objects.filter(region=region).order_by("pk"):
        by_kind.setdefault(institution.kind, []).append(institution)
    return by_kind


def _keeper(kind: Kind, town, institutions):
    """The institution of the kind for the town ("Jugendamt Moers"), else the first one of the
    region (the Kreis's)."""
    candidates = institutions.get(kind.keeper, []) if kind.keeper else []
    named = [i for i in candidates if i.name.partition(" ")[2] == town]
    return (named or candidates or [None])[0]


def wesel_directory(directory: Directory, region) -> None:
    """~150 offers of Kreis Wesel across the taxonomy, and one family counselling hour at each
    of its family centres."""
    institutions = _institutions(region)
    for kind in KINDS:
        for town in kind.towns:
            postcodes, prefix = WESEL_TOWNS[town]
            postcode = postcodes[0]
            point = postcode_point(postcode)
            name = kind.provider.format(town=town, area=AREAS[town])
            keeper = _keeper(kind, town, institutions)
            if kind.provider.startswith("Jugendamt"):
                name = keeper.name if keeper else "Jugendamt Kreis Wesel"
            organization = directory.organization(region, name, keeper)
            directory.offer(region, kind, town, postcode, point, prefix, organization, keeper)
            if kind.online:
                break
    for centre in institutions.get(Institution.Kind.FAMILY_CENTRE, []):
        point = postcode_point(centre.postcode)
        if point is None:
            continue
        prefix = next(
            (p for t, (_c, p) in WESEL_TOWNS.items() if centre.town.startswith(t)), "0281"
        )
        organization = directory.organization(region, centre.name, centre)
        directory.offer(
            region,
            FAMILY_CENTRE_HOUR,
            centre.town,
            centre.postcode,
            (float(centre.latitude or point[0]), float(centre.longitude or point[1])),
            prefix,
            organization,
            centre,
        )


FAMILY_CENTRE_HOUR = Kind(
    "",
    "Offene Familiensprechstunde",
    ("parenting",),
    (),
    "Fragen zu Erziehung, Kita-Platz und Hilfen vor Ort – die Familienberatung kommt ins "
    "Familienzentrum.",
    ("tr", "ar"),
    ("FREQ=WEEKLY;BYDAY=TU", time(14), time(16)),
    application="Ohne Anmeldung, Kinder dürfen mitkommen.",
)


def scale_offers(scale: str) -> int:
    """The offers of the state's dataset, and as many per family centre at Germany scale."""
    if scale != "germany":
        return STATE_OFFERS
    centres = Institution.objects.family_centres().filter(external_id__startswith="germany:")
    return STATE_OFFERS * centres.count() // FAMILY_CENTRES_IN_STATE


def state_directory(directory: Directory, region, count: int) -> None:
    """``count`` offers of the kinds above in the region's towns (the state's and Germany's
    datasets; a copy's towns are its NRW region's, moved: core/demo/scales.py)."""
    rng = directory.rng
    source, dlat, dlon = origin(region.key)
    towns = TOWNS[source]
    seat = towns[0][0]
    for _ in range(count):
        kind = rng.choice(KINDS)
        town, postcode, latitude, longitude = rng.choice(towns)
        latitude, longitude = latitude + dlat, longitude + dlon
        name = kind.provider.format(town=town, area=seat)
        organization = directory.organization(region, name)
        directory.offer(
            region, kind, town, postcode, (latitude, longitude), "0211", organization, None
        )


# §4: the districts of the Jugendämter


def district_postcodes(region, offices) -> dict[int, list[str]]:
    """The postcodes of each Jugendamt: its town's; the Kreis's own (or the first) takes the
    towns without an own Jugendamt."""
    towns = {}
    for town, postcode, _lat, _lon in TOWNS.get(region.key, []):
        towns.setdefault(town, []).append(postcode)
    if region.key == WESEL:
        for town, (postcodes, _prefix) in WESEL_TOWNS.items():
            name = next((t for t in towns if t.startswith(town)), town)
            towns[name] = sorted(set(towns.get(name, [])) | set(postcodes))
    owned, rest = {}, dict(towns)
    for office in offices:
        town = office.name.removeprefix("Jugendamt ")
        if town in towns:
            owned[office.pk] = rest.pop(town)
    general = next((o for o in offices if o.pk not in owned), offices[0] if offices else None)
    if general is not None:
        owned[general.pk] = sorted(
            set(owned.get(general.pk, [])) | {c for p in rest.values() for c in p}
        )
    return {pk: codes for pk, codes in owned.items() if codes}


TOPICS = (
    (ChildcareContact.Topic.KITA, "Kita-Platzvergabe", "Mo–Do 8:30–12 Uhr, Do 14–17 Uhr"),
    (ChildcareContact.Topic.DAY_CARE, "Fachberatung Kindertagespflege", "Di und Do 9–12 Uhr"),
    (ChildcareContact.Topic.SHORT_NOTICE, "Familienbüro – Notfallbetreuung", "Mo–Fr 8–16 Uhr"),
    (ChildcareContact.Topic.EXTENDED_HOURS, "Randzeitenbetreuung", "Mo–Fr 8–12 Uhr"),
    (ChildcareContact.Topic.GENERAL, "Servicestelle Kindertagesbetreuung", "Mo–Fr 8–12 Uhr"),
)


def childcare_districts(rng: random.Random, today) -> int:
    """§4 for each Jugendamt without it: the district's postcodes, contacts per topic (with a
    direct number for professionals), texts, and the free places of two or three of its
    family centres."""
    offices = list(
        Institution.objects.filter(
            kind=Institution.Kind.YOUTH_WELFARE_OFFICE, childcare__isnull=True
        )
        .select_related("region")
        .order_by("region__key", "pk")
    )
    taken = set(
        ChildcareDistrict.objects.values_list("youth_office__region_id", flat=True)
    )  # regions kept already: not touched
    by_region = {}
    for office in offices:
        if office.region_id not in taken:
            by_region.setdefault(office.region, []).append(office)
    districts, contacts, vacancies = [], [], []
    for region, region_offices in by_region.items():
        postcodes = district_postcodes(region, region_offices)
        for office in region_offices:
            if office.pk not in postcodes:
                continue
            town = office.name.removeprefix("Jugendamt ").removeprefix("Kreis ")
            slug = town.lower().replace(" ", "-").replace("ü", "ue").replace("ö", "oe")
            prefix = WESEL_TOWNS.get(town, ((), "0211"))[1] if region.key == WESEL else "0211"
            district = ChildcareDistrict(
                youth_office=office,
                postcodes=" ".join(postcodes[office.pk]),
                how_to_apply=(
                    "Melden Sie Ihr Kind möglichst früh über den Kita-Navigator an – spätestens "
                    "sechs Monate vor dem gewünschten Beginn. Für Kinder ab einem Jahr besteht ein "
                    "Rechtsanspruch auf einen Platz in einer Kita oder in der Kindertagespflege."
                ),
                portal_url=f"https://kita-navigator.{slug}.example",
                short_notice=(
                    "Bei Arbeitsaufnahme oder Maßnahmebeginn vermittelt das Familienbüro "
                    "kurzfristig eine Tagespflegeperson als Übergangslösung."
                ),
                extended_hours=(
                    "Betreuung ab 6 Uhr und bis 20 Uhr über ergänzende Kindertagespflege; "
                    "Schichtdienst: bitte früh melden."
                ),
                checked_on=today - timedelta(days=rng.randint(0, 120)),
            )
            districts.append(district)
            for topic, name, hours in TOPICS:
                number = f"{prefix} {rng.randint(200, 299)}-{rng.randint(1000, 1999)}"
                contacts.append(
                    ChildcareContact(
                        district=district,
                        topic=topic,
                        name=name,
                        phone=number,
                        email=f"{topic.replace('_', '-')}@jugendamt-{slug}.example",
                        internal_phone=f"{number[:-2]}{rng.randint(50, 99)}",
                        hours=hours,
                    )
                )
            centres = list(office.district_centres.filter(kind=Institution.Kind.FAMILY_CENTRE)[:3])
            for centre in centres[: rng.randint(1, 3)]:
                vacancies.append(
                    ChildcareVacancy(
                        district=district,
                        centre=centre,
                        places=rng.randint(1, 6),
                        ages=rng.choice(["1–3 Jahre", "3–6 Jahre", "ab 2 Jahren", ""]),
                        reported_on=today - timedelta(days=rng.randint(0, 30)),
                    )
                )
    ChildcareDistrict.objects.bulk_create(districts, batch_size=1000)
    for contact in contacts:
        contact.district_id = contact.district.pk
    for vacancy in vacancies:
        vacancy.district_id = vacancy.district.pk
    ChildcareContact.objects.bulk_create(contacts, batch_size=2000)
    ChildcareVacancy.objects.bulk_create(vacancies, batch_size=2000)
    return len(districts)


def generate_demo_directory(scale, seed):
    rng = random.Random(f"navigator-{seed}")
    today = timezone.localdate()
    with transaction.atomic():
        directory = Directory(rng, today)
        if scale == "demo":
            regions = Region.objects.filter(key=WESEL)
        else:  # the regions of the scale's institutions
            regions = Region.objects.filter(
                institutions__external_id__startswith=f"{prefix_of(scale)}:"
            ).distinct()
        regions = [region for region in regions.order_by("key") if not region.offers.exists()]
        wesel = next((region for region in regions if region.key == WESEL), None)
        if wesel is not None:
            wesel_directory(directory, wesel)
        others = [region for region in regions if region.key != WESEL] if scale != "demo" else []
        remaining = max(scale_offers(scale) - len(directory.offers), 0)
        for index, region in enumerate(others):
            share = remaining // len(others) + (1 if index < remaining % len(others) else 0)
            state_directory(directory, region, share)
        offers = directory.save()
        districts = childcare_districts(rng, today)
    if not offers and not districts:
        return None
    return f"{scale} navigator: {offers} offers, {districts} Jugendamt districts (§4)"
