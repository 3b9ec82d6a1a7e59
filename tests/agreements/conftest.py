"""Fixtures shared by the agreements tests: the region Wesel with the three institutions of a
framework agreement (Jobcenter, Agentur für Arbeit, Jugendamt), two family centres, a person
with a staff account at each, the steering group's coordinator, and helpers that draw up,
send and sign agreements through the services.

The root conftest's fixtures are reused: ``wesel``, ``borken``, ``family_centre`` (Familienzentrum
Sonnenschein Wesel), ``staff`` (its staff account, Fatma Y.), ``youth_welfare_office``
(Jugendamt Kreis Wesel) and ``coordinator`` (an account of Wesel without a person).
"""

from datetime import date, datetime, time, timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from neuewege.agreements import services
from neuewege.agreements.models import Agreement, Kind
from neuewege.cooperation.models import SteeringGroup
from neuewege.core.access import access_for
from neuewege.core.models import Institution, Person, User
from neuewege.events.models import EventSession, Format, ParentEvent

from ..factories import InstitutionFactory, PersonFactory, UserFactory

STARTS_ON = date(2027, 1, 1)
ENDS_ON = date(2028, 12, 31)


def staff_account(
    institution, *, first_name, last_name, function, email, phone="", signs_agreements=True
):
    """A person of ``institution`` with an active staff account — by default its authorised
    signatory, with the right to sign agreements for it."""
    person = PersonFactory(
        institution=institution,
        first_name=first_name,
        last_name=last_name,
        function=function,
        email=email,
        phone=phone,
    )
    return UserFactory(
        role=User.Role.STAFF,
        person=person,
        email=f"konto.{email}",
        signs_agreements=signs_agreements,
    )


@pytest.fixture
def job_centre(wesel):
    return InstitutionFactory(
        region=wesel,
        kind=Institution.Kind.JOB_CENTRE,
        name="Jobcenter Kreis Wesel",
        street="Reeser Landstraße 61",
        postcode="46483",
        town="Wesel",
        email="jobcenter@wesel.example",
    )


@pytest.fixture
def employment_agency(wesel):
    return InstitutionFactory(
        region=wesel,
        kind=Institution.Kind.EMPLOYMENT_AGENCY,
        name="Agentur für Arbeit Wesel",
        street="Reeser Landstraße 61",
        postcode="46483",
        town="Wesel",
        email="agentur@wesel.example",
    )


@pytest.fixture
def second_centre(wesel, youth_welfare_office):
    return InstitutionFactory(
        region=wesel,
        name="Familienzentrum Regenbogen Hamminkeln",
        street="Brüner Straße 3",
        postcode="46499",
        town="Hamminkeln",
        email="regenbogen@hamminkeln.example",
        provider="AWO Kreisverband Wesel",
        youth_welfare_office=youth_welfare_office,
    )


@pytest.fixture
def centre(family_centre, youth_welfare_office):
    """The root conftest's family centre with an address, e-mail and its Jugendamt."""
    family_centre.street = "Sonnenweg 1"
    family_centre.email = "sonnenschein@wesel.example"
    family_centre.provider = "Ev. Kirchenkreis Wesel"
    family_centre.youth_welfare_office = youth_welfare_office
    family_centre.save()
    return family_centre


@pytest.fixture
def jc_staff(job_centre):
    """The Jobcenter's BCA with a staff account: a speaker and the Jobcenter's signatory."""
    return staff_account(
        job_centre,
        first_name="Jana",
        last_name="Berger",
        function=Person.Function.BCA,
        email="jana.berger@jobcenter-wesel.example",
        phone="0281 111",
    )


@pytest.fixture
def aa_staff(employment_agency):
    """The Agentur's BCA with a staff account."""
    return staff_account(
        employment_agency,
        first_name="Anton",
        last_name="Albers",
        function=Person.Function.BCA,
        email="anton.albers@arbeitsagentur.example",
        phone="0281 222",
    )


@pytest.fixture
def ja_staff(youth_welfare_office):
    """The Jugendamt's contact for childcare places, with a staff account."""
    return staff_account(
        youth_welfare_office,
        first_name="Jutta",
        last_name="Kita",
        function=Person.Function.YOUTH_WELFARE_STAFF,
        email="jutta.kita@kreis-wesel.example",
        phone="0281 333",
    )


@pytest.fixture
def fc_staff(centre, staff):
    """The family centre's account (the root conftest's ``staff``, Fatma Y.), its signatory."""
    staff.signs_agreements = True
    staff.save(update_fields=["signs_agreements"])
    return staff


@pytest.fixture
def second_centre_staff(second_centre):
    return staff_account(
        second_centre,
        first_name="Rita",
        last_name="Regen",
        function=Person.Function.FAMILY_CENTRE_HEAD,
        email="rita.regen@hamminkeln.example",
    )


@pytest.fixture
def coordinator_person(youth_welfare_office):
    return PersonFactory(
        institution=youth_welfare_office,
        first_name="Clara",
        last_name="Koordina",
        function=Person.Function.COORDINATOR,
        email="clara.koordina@kreis-wesel.example",
        phone="0281 444",
    )


@pytest.fixture
def steering_group(wesel, coordinator_person):
    return SteeringGroup.objects.create(region=wesel, coordinator=coordinator_person)


@pytest.fixture
def region_coordinator(wesel, coordinator_person, steering_group):
    """The steering group's coordinator with a coordinator account of Wesel; her person is at
    the Jugendamt, and she has the right to sign for it (only)."""
    return UserFactory(
        role=User.Role.COORDINATOR,
        regions=[wesel],
        person=coordinator_person,
        email="clara.konto@kreis-wesel.example",
        signs_agreements=True,
    )


@pytest.fixture
def coord(region_coordinator):
    """The coordinator's access: drafts, sends, uploads paper copies."""
    return access_for(region_coordinator)


@pytest.fixture
def framework_parties(job_centre, employment_agency, youth_welfare_office):
    return [job_centre, employment_agency, youth_welfare_office]


@pytest.fixture
def cast(
    wesel,
    job_centre,
    employment_agency,
    youth_welfare_office,
    centre,
    second_centre,
    jc_staff,
    aa_staff,
    ja_staff,
    fc_staff,
    second_centre_staff,
    steering_group,
    region_coordinator,
):
    """Everyone at once: the institutions, their accounts and the coordinator."""
    return {
        "region": wesel,
        "job_centre": job_centre,
        "employment_agency": employment_agency,
        "youth_welfare_office": youth_welfare_office,
        "centre": centre,
        "second_centre": second_centre,
        "jc_staff": jc_staff,
        "aa_staff": aa_staff,
        "ja_staff": ja_staff,
        "fc_staff": fc_staff,
        "second_centre_staff": second_centre_staff,
        "coordinator": region_coordinator,
    }


def local(day: date, hour=16, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


def make_dated_event(centre, dates, *, format_code="parent_cafe", speakers=(), status="published"):
    """An event at ``centre`` with one session on each of ``dates`` (a series, or a course
    when the format is the parent course)."""
    event_format = Format.objects.get(code=format_code)
    if event_format.is_course:
        shape = ParentEvent.Shape.COURSE
    else:
        shape = ParentEvent.Shape.SERIES if len(dates) > 1 else ParentEvent.Shape.SINGLE
    event = ParentEvent.objects.create(
        family_centre=centre,
        format=event_format,
        shape=shape,
        title_de=event_format.name,
        capacity=12,
        status=status,
        childcare_offered=True,
        languages=["de"],
    )
    event.speakers.set(speakers)
    modules = list(event_format.modules.all())
    for index, day in enumerate(dates):
        start = local(day)
        EventSession.objects.create(
            event=event,
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
            module=modules[index] if index < len(modules) else None,
        )
    return event


def monthly(first: date, count=12) -> list[date]:
    return [
        date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, 15)
        for n in range(count)
    ]


@pytest.fixture
def monthly_cafe(centre, jc_staff):
    """The centre's Elterncafé on the 15th of each of the next twelve months, run by the
    Jobcenter's BCA."""
    today = timezone.localdate()
    first = today.replace(day=1) + timedelta(days=32)
    return make_dated_event(centre, monthly(first.replace(day=1)), speakers=[jc_staff.person])


def make_framework(access, parties, *, starts_on=STARTS_ON, ends_on=ENDS_ON, **values):
    """A framework agreement of the parties' region, drawn up through the service."""
    return services.create_agreement(
        access=access,
        kind=Kind.FRAMEWORK,
        region=parties[0].region,
        parties=parties,
        starts_on=starts_on,
        ends_on=ends_on,
        **values,
    )


def make_centre_agreement(
    access, centre, parties, *, starts_on=STARTS_ON, ends_on=ENDS_ON, **values
):
    """A family centre's cooperation agreement with ``parties`` (its Jobcenter and Agentur;
    the centre is added as the first party)."""
    return services.create_agreement(
        access=access,
        kind=Kind.FAMILY_CENTRE,
        region=centre.region,
        family_centre=centre,
        parties=parties,
        starts_on=starts_on,
        ends_on=ends_on,
        **values,
    )


def signatory(agreement: Agreement, party, accounts):
    """The account among ``accounts`` whose person is of the party's institution."""
    for account in accounts:
        if account.person and account.person.institution_id == party.institution_id:
            return account
    raise LookupError(f"no account for {party}")


def sign_all(agreement: Agreement, accounts, *, parties=None):
    """Every party (or ``parties``) signs the latest version with its account."""
    agreement.refresh_from_db()
    version = agreement.versions.first()
    for party in parties or agreement.parties.select_related("institution"):
        services.sign(
            access=access_for(signatory(agreement, party, accounts)),
            agreement=agreement,
            version=version,
            party=party,
        )
    agreement.refresh_from_db()
    return agreement


def in_force(access, agreement: Agreement, accounts) -> Agreement:
    """Send the draft for signature and have every party sign it."""
    services.send_for_signature(access=access, agreement=agreement)
    return sign_all(agreement, accounts)


@pytest.fixture
def framework(coord, framework_parties, ja_staff, steering_group):
    """Wesel's framework agreement, a draft."""
    return make_framework(coord, framework_parties)


@pytest.fixture
def centre_agreement(coord, centre, job_centre, employment_agency, monthly_cafe, aa_staff):
    """The Sonnenschein centre's cooperation agreement (with its monthly café), a draft."""
    return make_centre_agreement(coord, centre, [job_centre, employment_agency])


@pytest.fixture
def accounts(jc_staff, aa_staff, ja_staff, fc_staff, second_centre_staff):
    """One staff account at each institution (the signatories)."""
    return [jc_staff, aa_staff, ja_staff, fc_staff, second_centre_staff]


def small_pdf(name="unterschrieben.pdf") -> SimpleUploadedFile:
    """A real one-page PDF, as a scan of the signed paper copy."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")
