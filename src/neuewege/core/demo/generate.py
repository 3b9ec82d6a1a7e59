"""Deterministic demo and state-scale master data with real region names and plausible places.

No public list of all family centres can be downloaded, so the data is generated from a seed:
the same seed always gives the same records.
"""

import base64
import random
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..access import access_for
from ..models import Institution, NetworkMember, OpeningPeriod, Person, Region, User
from .places import SEATS, TOWNS, YOUTH_WELFARE_OFFICES
from .scales import COPIES, GERMANY, GermanyShape, copy_key, origin, prefix_of

DEMO_PASSWORD = "neuewege-demo"  # noqa: S105 - printed for local demo accounts only
# The authenticator-app key of the demo accounts that must use a second factor (coordinators,
# state level), printed by `neuewege demo` and in the README: codes come from any TOTP app or
# `oathtool --totp -b NEUEWEGEDEMONEUEWEGEDEMONEUEWEGE`. Demo data only.
DEMO_TOTP_SECRET = "NEUEWEGEDEMONEUEWEGEDEMONEUEWEGE"  # noqa: S105
WESEL = "05170"
MUNICIPAL_JOB_CENTRES = {
    "05554",
    "05558",
    "05358",
    "05954",
    "05754",
    "05958",
    "05154",
    "05766",
    "05770",
    "05562",
    "05566",
    "05570",
    "05113",
    "05915",
    "05117",
    "05515",
    "05122",
    "05124",
}
# Regions with an agency district of their own at state scale (30 agency districts in NRW).
AGENCY_REGIONS = [
    "05111",
    "05112",
    "05113",
    "05114",
    "05116",
    "05119",
    "05122",
    "05124",
    "05154",
    "05158",
    "05162",
    "05170",
    "05314",
    "05315",
    "05334",
    "05358",
    "05362",
    "05374",
    "05382",
    "05513",
    "05515",
    "05554",
    "05562",
    "05566",
    "05711",
    "05754",
    "05766",
    "05774",
    "05913",
    "05974",
]
FAMILY_CENTRES_IN_STATE = 3322

FIRST_NAMES = [
    "Anna",
    "Maria",
    "Sabine",
    "Petra",
    "Claudia",
    "Nicole",
    "Julia",
    "Katharina",
    "Sandra",
    "Stefanie",
    "Christina",
    "Melanie",
    "Andrea",
    "Birgit",
    "Heike",
    "Monika",
    "Ayşe",
    "Fatma",
    "Elif",
    "Zeynep",
    "Agnieszka",
    "Katarzyna",
    "Olena",
    "Natalia",
    "Leyla",
    "Mariam",
    "Thomas",
    "Michael",
    "Andreas",
    "Stefan",
    "Markus",
    "Christian",
    "Frank",
    "Jörg",
    "Mehmet",
    "Ali",
    "Piotr",
    "Jan",
    "Tobias",
    "Daniel",
]
LAST_NAMES = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Yılmaz",
    "Kaya",
    "Demir",
    "Şahin",
    "Nowak",
    "Kowalski",
    "Wójcik",
    "Kovalenko",
    "Haddad",
    "Janssen",
    "Terhorst",
    "Brüggemann",
]
CENTRE_NAMES = [
    "Sonnenschein",
    "Regenbogen",
    "Arche Noah",
    "Kunterbunt",
    "Pusteblume",
    "Löwenzahn",
    "Spatzennest",
    "Zwergenland",
    "Am Park",
    "Am Rhein",
    "Sterntaler",
    "Villa Kunterbunt",
    "Purzelbaum",
    "Rasselbande",
    "Schatzkiste",
    "Wirbelwind",
    "Abenteuerland",
    "Lummerland",
    "Kleine Strolche",
    "Mittendrin",
    "Bullerbü",
    "Sonnenblume",
    "Schmetterling",
    "Wiesenwichtel",
]
SAINTS = ["St. Marien", "St. Josef", "St. Nikolaus", "St. Martin", "St. Elisabeth", "Hl. Kreuz"]
PARISHES = ["Lukas", "Johannes", "Paulus", "Matthäus", "Markus", "Christus", "Friedens"]
STREETS = [
    "Hauptstraße",
    "Schulstraße",
    "Kirchstraße",
    "Gartenstraße",
    "Bahnhofstraße",
    "Lindenweg",
    "Am Markt",
    "Mühlenweg",
    "Feldstraße",
    "Wiesenstraße",
    "Rosenstraße",
    "Parkstraße",
    "Goethestraße",
    "Schillerstraße",
    "Friedhofstraße",
    "Ringstraße",
    "Bergstraße",
    "Am Wall",
]
WELFARE_PROVIDERS = ["AWO", "DRK", "Der Paritätische", "Lebenshilfe"]


@dataclass
class Plan:
    """What to generate: which regions and how many records of each kind."""

    regions: list[str]
    family_centres: dict[str, int]
    agencies: set[str]
    max_youth_welfare_offices: int | None
    prefix: str
    case_managers: int = 6  # of each job centre


def demo_plan():
    regions = [WESEL] + [
        key
        for key in Region.objects.exclude(phase="").order_by("key").values_list("key", flat=True)
        if key != WESEL
    ]
    return Plan(
        regions=regions,
        family_centres=dict.fromkeys(regions, 8) | {WESEL: 14},
        agencies=set(regions),
        max_youth_welfare_offices=4,
        prefix="demo",
    )


def family_centre_shares(regions: list[str], total: int) -> dict[str, int]:
    """``total`` family centres shared among the regions by their size (towns and Jugendämter
    of the NRW region each is or copies)."""
    weights = {}
    for key in regions:
        source = origin(key)[0]
        weights[key] = len(TOWNS[source]) + 2 * len(YOUTH_WELFARE_OFFICES[source])
    all_weights = sum(weights.values())
    counts = {key: total * weight // all_weights for key, weight in weights.items()}
    for key in sorted(regions, key=lambda k: -weights[k])[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def state_plan():
    regions = sorted(TOWNS)
    return Plan(
        regions=regions,
        family_centres=family_centre_shares(regions, FAMILY_CENTRES_IN_STATE),
        agencies=set(AGENCY_REGIONS),
        max_youth_welfare_offices=None,
        prefix=prefix_of("state"),
    )


def germany_regions(shape: GermanyShape) -> list[str]:
    """NRW's regions (the first ``shape.regions`` of them) and their copies standing for other
    states (core/demo/scales.py), created where missing; their keys."""
    nrw = list(Region.objects.filter(key__in=sorted(TOWNS)[: shape.regions]).order_by("key"))
    copies = [
        Region(
            key=copy_key(prefix, region.key),
            name=f"{region.name} ({state})",
            kind=region.kind,
            administrative_district=region.administrative_district,
            phase=region.phase,
            phase_start=region.phase_start,
            phase_end=region.phase_end,
        )
        for prefix, state, _dlat, _dlon in COPIES[: shape.copies]
        for region in nrw
    ]
    Region.objects.bulk_create(copies, ignore_conflicts=True)
    return [region.key for region in nrw] + [region.key for region in copies]


def germany_plan(shape: GermanyShape = GERMANY):
    """About ten times the state: NRW and its copies (400 regions), 33,000 family centres,
    and more case managers per job centre (7,000 speakers)."""
    regions = germany_regions(shape)
    return Plan(
        regions=regions,
        family_centres=family_centre_shares(regions, shape.family_centres),
        agencies={key for key in regions if origin(key)[0] in AGENCY_REGIONS},
        max_youth_welfare_offices=None,
        prefix=prefix_of("germany"),
        case_managers=9,
    )


class Generator:
    def __init__(self, plan: Plan, seed: int):
        self.plan, self.random = plan, random.Random(seed)
        self.regions = {
            region.key: region for region in Region.objects.filter(key__in=plan.regions)
        }
        self.institutions, self.people, self.periods, self.members = [], [], [], []
        self.agencies, self.seats = {}, {}  # per region key: its agency, its job centre
        self.counter = 0

    def already_generated(self):
        return Institution.objects.filter(external_id__startswith=f"{self.plan.prefix}:").exists()

    @transaction.atomic
    def run(self):
        for key in self.plan.regions:
            self.region(self.regions[key])
        offices = [i for i in self.institutions if i.kind == Institution.Kind.YOUTH_WELFARE_OFFICE]
        Institution.objects.bulk_create(offices, batch_size=1000)
        others = [i for i in self.institutions if i.kind != Institution.Kind.YOUTH_WELFARE_OFFICE]
        for institution in others:
            if institution.youth_welfare_office is not None:
                institution.youth_welfare_office_id = institution.youth_welfare_office.pk
        Institution.objects.bulk_create(others, batch_size=1000)
        for period in self.periods:
            period.institution_id = period.institution.pk
        OpeningPeriod.objects.bulk_create(self.periods, batch_size=2000)
        for member in self.members:
            member.family_centre_id = member.family_centre.pk
        NetworkMember.objects.bulk_create(self.members, batch_size=1000)
        for person in self.people:
            person.institution_id = person.institution.pk
        Person.objects.bulk_create(self.people, batch_size=2000)
        Institution.also_serves.through.objects.bulk_create(self.agency_districts(), 1000)
        return len(self.institutions), len(self.people)

    def agency_districts(self):
        """A region without an agency of its own is in the district of the nearest one (30
        agency districts for 53 regions in NRW)."""
        if not self.agencies:
            return []
        links = []
        for key, seat in self.seats.items():
            if key in self.agencies:
                continue
            nearest = min(
                self.agencies.values(),
                key=lambda agency: (
                    (agency.latitude - seat.latitude) ** 2
                    + (agency.longitude - seat.longitude) ** 2
                ),
            )
            links.append(
                Institution.also_serves.through(institution=nearest, region=self.regions[key])
            )
        return links

    # building blocks

    def next_id(self):
        self.counter += 1
        return f"{self.plan.prefix}:{self.counter:05d}"

    def place(self, key, town=None):
        source, dlat, dlon = origin(key)  # a copy's places are its NRW region's, moved
        towns = TOWNS[source]
        chosen = next((t for t in towns if t[0] == town), None) if town else None
        name, postcode, latitude, longitude = chosen or self.random.choice(towns)
        latitude, longitude = latitude + dlat, longitude + dlon
        jitter = lambda: Decimal(str(round(self.random.uniform(-0.015, 0.015), 5)))
        return {
            "street": f"{self.random.choice(STREETS)} {self.random.randint(1, 120)}",
            "postcode": postcode,
            "town": name,
            "latitude": Decimal(str(round(latitude, 5))) + jitter(),
            "longitude": Decimal(str(round(longitude, 5))) + jitter(),
        }

    def institution(self, region, kind, name, town=None, **fields):
        place = self.place(region.key, town)
        slug = "".join(c for c in place["town"].lower() if c.isalpha())[:20] or "nrw"
        institution = Institution(
            region=region,
            kind=kind,
            external_id=self.next_id(),
            name=name.format(town=place["town"]),
            email=f"kontakt.{self.counter}@{slug}.example",
            phone=self.phone(),
            **place,
            **fields,
        )
        self.institutions.append(institution)
        return institution

    def phone(self):
        return f"0{self.random.randint(2000, 2999)} {self.random.randint(100000, 999999)}"

    def person(self, institution, function, formats=()):
        first, last = self.random.choice(FIRST_NAMES), self.random.choice(LAST_NAMES)
        local = f"{first}.{last}".lower()
        for umlaut, plain in (
            ("ä", "ae"),
            ("ö", "oe"),
            ("ü", "ue"),
            ("ß", "ss"),
            ("ş", "s"),
            ("ı", "i"),
            ("ó", "o"),
            ("ç", "c"),
            ("ğ", "g"),
        ):
            local = local.replace(umlaut, plain)
        person = Person(
            institution=institution,
            first_name=first,
            last_name=last,
            function=function,
            email=f"{local}.{len(self.people) + 1}@{self.plan.prefix}.neuewege.example",
            phone=self.phone(),
            moderated_formats=list(formats),
        )
        self.people.append(person)
        return person

    # a region

    def region(self, region):
        key = region.key
        source = origin(key)[0]  # the NRW region (itself, or the one a copy copies)
        seat = SEATS[source]
        town_of_region = region.name.replace("Kreis ", "").replace("StädteRegion ", "")
        if key in self.plan.agencies:
            agency = self.institution(
                region, Institution.Kind.EMPLOYMENT_AGENCY, f"Agentur für Arbeit {seat}", town=seat
            )
            self.agencies[key] = agency
            self.person(
                agency, Person.Function.BCA, ["parent_cafe", "info_session", "parent_course"]
            )
            for _ in range(3):
                self.person(agency, Person.Function.PLACEMENT_OFFICER, ["info_session"])
        municipal = source in MUNICIPAL_JOB_CENTRES
        job_centre = self.institution(
            region,
            Institution.Kind.JOB_CENTRE,
            f"Jobcenter {town_of_region}",
            town=seat,
            job_centre_type="municipal" if municipal else "joint",
        )
        self.seats[key] = job_centre
        self.person(
            job_centre, Person.Function.BCA, ["parent_cafe", "info_session", "parent_course"]
        )
        for _ in range(self.plan.case_managers):
            self.person(
                job_centre,
                Person.Function.CASE_MANAGER,
                ["parent_cafe"] if self.random.random() < 0.4 else [],
            )
        for _ in range(4):
            self.person(job_centre, Person.Function.PLACEMENT_OFFICER)
        offices = YOUTH_WELFARE_OFFICES[source][: self.plan.max_youth_welfare_offices]
        youth_offices = []
        for index, office in enumerate(offices):
            town = office if any(t[0] == office for t in TOWNS[source]) else seat
            youth_office = self.institution(
                region,
                Institution.Kind.YOUTH_WELFARE_OFFICE,
                f"Jugendamt {office}",
                town=town,
                district=office if index else region.name,
            )
            youth_offices.append(youth_office)
            self.person(youth_office, Person.Function.YOUTH_WELFARE_STAFF)
        coordinator_home = youth_offices[0] if youth_offices else job_centre
        self.person(coordinator_home, Person.Function.COORDINATOR)
        equality = self.institution(
            region,
            Institution.Kind.EQUALITY_OFFICE,
            f"Gleichstellungsstelle {town_of_region}",
            town=seat,
        )
        self.person(equality, Person.Function.EQUALITY_OFFICER)
        if self.plan.prefix == "demo":
            self.institution(
                region,
                Institution.Kind.EDUCATION_PROVIDER,
                f"Bildungswerk {town_of_region}",
                town=seat,
            )
        for _ in range(self.plan.family_centres[key]):
            self.family_centre(region, youth_offices)

    def family_centre(self, region, youth_offices):
        choice = self.random.random()
        if choice < 0.3:
            provider_type, saint = Institution.ProviderType.CATHOLIC, self.random.choice(SAINTS)
            name, provider = (
                f"Kath. Familienzentrum {saint} {{town}}",
                f"Kath. Kirchengemeinde {saint}",
            )
        elif choice < 0.5:
            parish = self.random.choice(PARISHES)
            provider_type = Institution.ProviderType.PROTESTANT
            name, provider = (
                f"Ev. Familienzentrum {parish} {{town}}",
                f"Ev. {parish}-Kirchengemeinde",
            )
        elif choice < 0.75:
            provider_type = Institution.ProviderType.WELFARE
            provider = self.random.choice(WELFARE_PROVIDERS)
            name = f"{provider}-Familienzentrum {self.random.choice(CENTRE_NAMES)} {{town}}"
        elif choice < 0.95:
            provider_type = Institution.ProviderType.MUNICIPAL
            name = f"Städt. Familienzentrum {self.random.choice(CENTRE_NAMES)} {{town}}"
            provider = "Stadt {town}"
        else:
            provider_type = Institution.ProviderType.PARENTS
            centre = self.random.choice(CENTRE_NAMES)
            name, provider = f"Familienzentrum {centre} {{town}}", f"Elterninitiative {centre} e.V."
        office = self.random.choice(youth_offices) if youth_offices else None
        certified_from = date(self.random.randint(2023, 2026), self.random.choice([1, 8]), 1)
        centre = self.institution(
            region,
            Institution.Kind.FAMILY_CENTRE,
            name,
            town=office.town if office else None,
            provider=provider,
            provider_type=provider_type,
            youth_welfare_office=office,
            certified_from=certified_from,
            certified_until=certified_from.replace(year=certified_from.year + 4),
            childcare_places=self.random.choice([6, 8, 10, 12, 15]),
        )
        centre.provider = centre.provider.format(town=centre.town)
        for weekday in range(5):
            closes = time(14, 0) if weekday == 4 else time(16, 30)
            self.periods.append(
                OpeningPeriod(institution=centre, weekday=weekday, opens=time(7, 30), closes=closes)
            )
            if self.random.random() < 0.35:
                self.periods.append(
                    OpeningPeriod(
                        institution=centre,
                        weekday=weekday,
                        opens=closes,
                        closes=time(closes.hour + 1, 30),
                        is_extended_hours=True,
                    )
                )
        if self.random.random() < 0.12:
            for number in range(self.random.randint(2, 4)):
                self.members.append(
                    NetworkMember(
                        family_centre=centre,
                        name=f"Kita {self.random.choice(CENTRE_NAMES)} {number + 1}",
                        street=f"{self.random.choice(STREETS)} {self.random.randint(1, 80)}",
                        postcode=centre.postcode,
                        town=centre.town,
                    )
                )
        self.person(centre, Person.Function.FAMILY_CENTRE_HEAD)
        if self.plan.prefix == "demo":
            self.person(centre, Person.Function.FAMILY_CENTRE_STAFF)


def demo_accounts():
    """One account per role, in Kreis Wesel, and a coordinator of Kreis Borken for contrast.
    The Jobcenter's and the family centre's accounts sign cooperation agreements for their
    institution (``User.signs_agreements``)."""
    wesel, borken = Region.objects.get(key=WESEL), Region.objects.get(key="05554")
    wesel_people = Person.objects.filter(institution__region=wesel)
    accounts = [
        ("land@demo.neuewege.example", "Lena", "Landmann", User.Role.STATE, [], None),
        (
            "koordination.wesel@demo.neuewege.example",
            "Karin",
            "Koordinatorin",
            User.Role.COORDINATOR,
            [wesel],
            None,
        ),
        (
            "bca.wesel@demo.neuewege.example",
            None,
            None,
            User.Role.STAFF,
            [],
            wesel_people.filter(
                function=Person.Function.BCA, institution__kind=Institution.Kind.JOB_CENTRE
            ).first(),
        ),
        (
            "fz.wesel@demo.neuewege.example",
            None,
            None,
            User.Role.STAFF,
            [],
            wesel_people.filter(function=Person.Function.FAMILY_CENTRE_HEAD).first(),
        ),
        ("lesen.wesel@demo.neuewege.example", "Viktor", "Viewer", User.Role.VIEWER, [wesel], None),
        (
            "koordination.borken@demo.neuewege.example",
            "Bernd",
            "Borkener",
            User.Role.COORDINATOR,
            [borken],
            None,
        ),
    ]
    signatories = {"bca.wesel@demo.neuewege.example", "fz.wesel@demo.neuewege.example"}
    created = []
    for email, first, last, role, regions, person in accounts:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email,
                DEMO_PASSWORD,
                first_name=first or person.first_name,
                last_name=last or person.last_name,
                role=role,
                person=person,
                signs_agreements=email in signatories,
            )
            user.regions.set(regions)
        elif user.signs_agreements != (email in signatories):  # made before the right existed
            user.signs_agreements = email in signatories
            user.save(update_fields=["signs_agreements"])
        if access_for(user).must_use_second_factor:
            TOTPDevice.objects.get_or_create(
                user=user,
                defaults={
                    "name": "Demo app",
                    "key": base64.b32decode(DEMO_TOTP_SECRET).hex(),
                    "confirmed": True,
                },
            )
        created.append(user)
    return created


def generate(scale: str, seed: int = 2015, shape: GermanyShape = GERMANY):
    """The regions (Germany scale), institutions and people of a scale; None when they were
    generated before, else (institutions, people)."""
    plans = {"demo": demo_plan, "state": state_plan, "germany": lambda: germany_plan(shape)}
    plan = plans[scale]()
    generator = Generator(plan, seed)
    if generator.already_generated():
        return None
    return generator.run()
