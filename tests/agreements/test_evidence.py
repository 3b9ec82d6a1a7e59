"""The evidence pack for the Gütesiegel: a family centre with events in and out of the review
period (2025), attendance, staff trainings, an agreement in force and survey responses; the PDF
and the ZIP read back (pypdf, zipfile, the CSVs); permissions and bad periods.

The fixture (period 2025):
- Elterncafé „Frühstück“ 4 Mar 2025 (speaker Sven Sprecher, Bildungswerk): 3 confirmed, 2
  present, attendance recorded; 6 survey responses.
- Themenveranstaltung „Bewerbung“ 10 Jun 2025: 2 confirmed, 1 present; 3 survey responses
  (the café's 6 are all formats' 9 minus these 3: both formats are withheld, the 9 shown).
- Elterncafé „Sommer“ 2 and 9 Sep 2025: 1 confirmed, attendance not recorded.
- Not in the period: an Elterncafé of Dec 2024 (attended by 4), a cancelled event of May 2025,
  a café of the other centre in 2025.
- Training: Fatma Y. (basismodul, 7 h, May 2025) and Jonas Kurz (information session for
  family centres, 3 h), both of the centre; Petra Fremd of the other centre.
- Agreement: the centre with the job centre and the employment agency, in force from 2024 to
  30 Sep 2025. Gütesiegel until 31 Mar 2026 (within six months after the period).
"""

import csv
import io
import itertools
import zipfile
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from neuewege.agreements import evidence
from neuewege.agreements.models import Agreement, Signature
from neuewege.agreements.services import create_agreement
from neuewege.core.access import system_access
from neuewege.core.errors import ValidationFailed
from neuewege.core.models import ExportFile, Institution, User
from neuewege.core.tasks import make_export
from neuewege.events.models import ConsentText, Registration
from neuewege.trainings.models import Module, TrainingRegistration
from tests.evaluation.test_results import no_step, step, survey
from tests.factories import (
    InstitutionFactory,
    PersonFactory,
    UserFactory,
    make_event,
    make_registrant,
    make_training,
)

PERIOD = {"since": "2025-01-01", "until": "2025-12-31"}
PARENT_NAMES = ["Mariam", "Oksana", "Zeynep"]
numbers = itertools.count()


def at(day, hour=9, minute=30):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def register(event, session, *, attended=False, first_name=None):
    """A parent's registration with a name, an e-mail and a phone that must appear nowhere."""
    number = next(numbers)
    registration = Registration.objects.create(
        event=event,
        session=session,
        status=Registration.Status.CONFIRMED,
        source=Registration.Source.ONLINE,
        first_name=first_name or PARENT_NAMES[number % len(PARENT_NAMES)],
        email=f"elternteil{number}@example.org",
        phone=f"0170 55501{number:02d}",
        language="de",
        consent=ConsentText.objects.get(purpose="booking", version=1),
        consented_at=timezone.now(),
    )
    if attended:
        registration.attended_sessions.add(session)
    return registration


def recorded(event):
    event.sessions.update(attendance_recorded_at=timezone.now())


@pytest.fixture
def world(wesel, family_centre):
    centre = family_centre
    centre.provider = "Caritasverband Wesel"
    centre.street = "Sonnenweg 1"
    centre.certified_from = date(2022, 4, 1)
    centre.certified_until = date(2026, 3, 31)
    centre.save()
    other = InstitutionFactory(region=wesel, name="Familienzentrum Regenbogen")
    job_centre = InstitutionFactory(
        region=wesel, kind=Institution.Kind.JOB_CENTRE, name="Jobcenter Kreis Wesel"
    )
    agency = InstitutionFactory(
        region=wesel, kind=Institution.Kind.EMPLOYMENT_AGENCY, name="Agentur für Arbeit Wesel"
    )
    provider = InstitutionFactory(
        region=wesel, kind=Institution.Kind.EDUCATION_PROVIDER, name="Bildungswerk Niederrhein"
    )
    speaker = PersonFactory(institution=provider, first_name="Sven", last_name="Sprecher")

    cafe = make_event(
        centre,
        starts=at(date(2025, 3, 4)),
        status="held",
        speakers=[speaker],
        title="Frühstück für Eltern",
    )
    (session,) = cafe.sessions.all()
    register(cafe, session, attended=True)
    register(cafe, session, attended=True)
    register(cafe, session)
    recorded(cafe)
    info = make_event(
        centre, "info_session", starts=at(date(2025, 6, 10)), status="held", title="Bewerbung"
    )
    (info_session,) = info.sessions.all()
    register(info, info_session, attended=True)
    register(info, info_session)
    recorded(info)
    summer = make_event(centre, starts=at(date(2025, 9, 2)), dates=3, title="Sommercafé")
    register(summer, summer.sessions.first())
    summer.sessions.filter(starts_at=at(date(2025, 9, 9))).update(is_cancelled=True)

    before = make_event(centre, starts=at(date(2024, 12, 10)), status="held", title="Adventscafé")
    for _ in range(4):
        register(before, before.sessions.first(), attended=True)
    recorded(before)
    make_event(centre, starts=at(date(2025, 5, 6)), status="cancelled", title="Abgesagtes Café")
    make_event(other, starts=at(date(2025, 4, 1)), status="held", title="Café im Regenbogen")

    survey(cafe, date(2025, 3, 1), [step("counselling", useful=5)] * 4 + [no_step()] * 2)
    survey(info, date(2025, 6, 1), [step("application", useful=4)] * 3)

    basis = make_training(wesel, sessions=1, start=at(date(2025, 5, 5), 8, 0))
    short = make_training(
        wesel,
        "informationsveranstaltung-familienzentren",
        sessions=1,
        start=at(date(2025, 10, 7), 8, 0),
    )
    old = make_training(wesel, sessions=1, start=at(date(2024, 5, 5), 8, 0), title="Alte")
    for training, institution, first, last in (
        (basis, centre, "Fatma", "Yılmaz"),
        (short, centre, "Jonas", "Kurz"),
        (basis, other, "Petra", "Fremd"),
        (old, centre, "Otto", "Vorjahr"),
    ):
        registration = make_registrant(training, institution, first_name=first, last_name=last)
        TrainingRegistration.objects.filter(pk=registration.pk).update(
            session=training.sessions.first(), attended=True
        )

    # a planned event with a speaker: what the agreement's text names (agreements.filling)
    make_event(centre, status="draft", speakers=[speaker], title="Geplantes Café")
    agreement = create_agreement(
        access=system_access(),
        kind="family_centre",
        region=wesel,
        parties=[centre, job_centre, agency],
        family_centre=centre,
        starts_on=date(2024, 1, 1),
        ends_on=date(2025, 9, 30),
    )
    Agreement.objects.filter(pk=agreement.pk).update(
        status=Agreement.Status.EXPIRED, in_force_at=at(date(2023, 12, 20))
    )
    draft = create_agreement(
        access=system_access(),
        kind="family_centre",
        region=wesel,
        parties=[centre, job_centre, agency],
        family_centre=centre,
        starts_on=date(2025, 10, 1),
        ends_on=date(2027, 9, 30),
        title="Entwurf, nie in Kraft",
    )
    return {
        "centre": centre,
        "other": other,
        "agreement": agreement,
        "draft": draft,
        "job_centre": job_centre,
        "provider": provider,
    }


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def pdf_text(content: bytes) -> str:
    """The text of every page, whitespace (a table cell's line breaks) as single spaces."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def assert_no_parent_data(text: str):
    for registration in Registration.objects.all():
        assert registration.email not in text
        assert registration.phone not in text
    for name in PARENT_NAMES:
        assert name not in text


def collect(world):
    return evidence.collect(
        world["centre"], evidence.review_period(**PERIOD), now=at(date(2026, 12, 1))
    )


# What it holds


def test_only_the_periods_events_with_their_attendance(world, english):
    found = collect(world)
    assert [
        (item.event.title, item.first_date, item.dates, item.attended) for item in found.events
    ] == [
        ("Frühstück für Eltern", date(2025, 3, 4), 1, 2),
        ("Bewerbung", date(2025, 6, 10), 1, 1),
        ("Sommercafé", date(2025, 9, 2), 2, 0),
    ]
    assert found.events[2].days == [date(2025, 9, 2), date(2025, 9, 16)]  # 9 Sept. cancelled
    assert found.events[0].speaker_text == "Sven Sprecher (Bildungswerk Niederrhein)"
    assert [(row.code, row.events, row.dates, row.attended) for row in found.totals] == [
        ("parent_cafe", 2, 3, 2),
        ("info_session", 1, 1, 1),
    ]
    assert (found.total.events, found.total.dates, found.total.attended) == (3, 4, 3)


def test_agreements_partners_and_trainings(world, english):
    found = collect(world)
    assert [item.agreement for item in found.agreements] == [world["agreement"]]
    item = found.agreements[0]
    assert item.version.number == 1 and len(item.version.digest) == 64
    assert item.parties[0].name == world["centre"].name
    partners = {partner.institution.name: partner.reasons for partner in found.partners}
    assert set(partners) == {
        "Jobcenter Kreis Wesel",
        "Agentur für Arbeit Wesel",
        "Bildungswerk Niederrhein",
    }
    assert partners["Bildungswerk Niederrhein"] == ["Speakers at one event"]
    titles = dict(Module.objects.values_list("code", "title"))
    assert [(row.name, row.module, row.day, row.hours) for row in found.trainings] == [
        ("Jonas Kurz", titles["informationsveranstaltung-familienzentren"], date(2025, 10, 7), 3),
        ("Fatma Yılmaz", titles["basismodul"], date(2025, 5, 5), 7),
    ]
    assert [(row.name, row.hours, row.enough) for row in found.staff_hours] == [
        ("Fatma Yılmaz", 7, True),
        ("Jonas Kurz", 3, False),
    ]


def test_the_survey_keeps_small_numbers_hidden_also_from_subtraction(world, english):
    (year,) = collect(world).survey
    assert year.year == 2025
    rows = dict(year.rows)
    # the café's 6 responses are the 9 of all formats minus the information session's 3
    assert rows["Elterncafé"][0] == "< 5"
    assert rows["Themenveranstaltung"][0] == "< 5"
    assert rows["All formats"][0] == "9"
    assert all(figure == "< 5" for figure in rows["Themenveranstaltung"])
    assert all(figure == "< 5" for figure in rows["Elterncafé"])


def test_warnings(world, english):
    warnings = collect(world).warnings
    text = "\n".join(warnings)
    assert "The Gütesiegel ends on 03/31/2026, within 6 months after the period." in text
    assert "The agreement “Kooperationsvereinbarung" in text and "ended on 09/30/2025" in text
    assert "No attendance recorded for “Sommercafé” on 2 of 2 dates" in text
    assert "Frühstück" not in text


def test_the_pdf(world, english):
    content = evidence.pdf(collect(world))
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert world["centre"].name in text and "Caritasverband Wesel" in text
    assert "Frühstück für Eltern" in text and "Sommercafé" in text
    assert "Adventscafé" not in text and "Abgesagtes Café" not in text
    assert "Café im Regenbogen" not in text
    assert "Sven Sprecher" in text and "Bildungswerk Niederrhein" in text
    assert "Fatma Yılmaz" in text and "Petra Fremd" not in text and "Otto Vorjahr" not in text
    assert world["agreement"].versions.get().digest[:16] in text.replace(" ", "")
    assert "Entwurf, nie in Kraft" not in text
    assert "< 5" in text
    assert "09/02/2025, 09/16/2025" in text  # every date held (9 Sept. was cancelled)
    assert "Warnings" in text and "within 6 months after the period" in text
    assert_no_parent_data(text)


def test_the_zip(world, english):
    content = evidence.zip_pack(collect(world))
    with zipfile.ZipFile(io.BytesIO(content)) as pack:
        names = pack.namelist()
        stem = f"nachweise-guetesiegel-{world['centre'].pk}-2025-01-01-2025-12-31"
        version = world["agreement"].versions.get()
        assert names == [
            f"{stem}.pdf",
            f"vereinbarungen/vereinbarung-{world['agreement'].pk}-v{version.number}.pdf",
            "veranstaltungen.csv",
            "fortbildungen.csv",
        ]
        texts = []
        for name in names:
            data = pack.read(name)
            if name.endswith(".pdf"):
                assert data.startswith(b"%PDF")
                texts.append(pdf_text(data))
            else:
                texts.append(data.decode("utf-8-sig"))
        events = csv_rows(pack.read("veranstaltungen.csv"))
        trainings = csv_rows(pack.read("fortbildungen.csv"))
    assert events[0][:6] == [
        "Date",
        "Dates held",
        "Format",
        "Title",
        "Speakers",
        "Parents attended",
    ]
    assert events[0][7] == "Dates"
    assert [(row[0], row[3], row[5], row[7]) for row in events[1:]] == [
        ("2025-03-04", "Frühstück für Eltern", "2", "03/04/2025"),
        ("2025-06-10", "Bewerbung", "1", "06/10/2025"),
        ("2025-09-02", "Sommercafé", "0", "09/02/2025, 09/16/2025"),
    ]
    assert [(row[0], row[3], row[4], row[5]) for row in trainings[1:]] == [
        ("Jonas Kurz", "2025-10-07", "3", "no"),
        ("Fatma Yılmaz", "2025-05-05", "7", "yes"),
    ]
    assert_no_parent_data("\n".join(texts))


def test_no_agreement_and_no_training_are_warned(wesel, english):
    centre = InstitutionFactory(region=wesel, name="Familienzentrum Leer")
    found = evidence.collect(centre, evidence.review_period(**PERIOD))
    assert found.events == [] and found.agreements == []
    assert "No cooperation agreement of the centre was in force in the period." in found.warnings
    assert "No Gütesiegel dates are recorded for the centre." in found.warnings
    assert any("Nobody of the centre's staff" in warning for warning in found.warnings)
    assert evidence.pdf(found).startswith(b"%PDF")


# The period


def test_the_default_period_is_the_last_full_calendar_year():
    assert evidence.review_period(today=date(2026, 3, 10)) == evidence.ReviewPeriod(
        date(2025, 1, 1), date(2025, 12, 31)
    )


@pytest.mark.parametrize(
    ("since", "until", "field", "message"),
    [
        ("2025-13-01", "", "since", "From: enter a date as YYYY-MM-DD."),
        ("", "gestern", "until", "Until: enter a date as YYYY-MM-DD."),
        ("2025-06-01", "2025-05-31", "until", "Until: the period must not end before it begins."),
        ("2025-01-01", "2026-03-11", "until", "Until: the period cannot end after today."),
        ("2020-01-01", "2025-01-01", "until", "Until: the period can be at most 5 years long."),
        ("1999-12-31", "2000-06-01", "since", "From: enter a date from 2000 on."),
    ],
)
def test_bad_periods_are_refused_with_the_field(since, until, field, message, english):
    with pytest.raises(ValidationFailed) as refused:
        evidence.review_period(since, until, today=date(2026, 3, 10))
    assert refused.value.errors == {field: [message]}


def test_five_years_to_the_day_before_are_allowed():
    period = evidence.review_period("2020-01-01", "2024-12-31", today=date(2026, 3, 10))
    assert period.years() == [2020, 2021, 2022, 2023, 2024]


# Downloads and the page


def export_url(fmt, world, **params):
    query = "&".join(
        f"{key}={value}"
        for key, value in ({"institution": world["centre"].pk} | PERIOD | params).items()
    )
    return f"/exports/centre-evidence.{fmt}?{query}"


def fetch(client, url):
    """A download of the pack: made in the background (the worker's part done here), then
    fetched from its page by the account that asked for it."""
    response = client.get(url)
    assert response.status_code == 302, response.content
    file = ExportFile.objects.latest("pk")
    assert response["Location"] == reverse("export-file", args=[file.pk]) + "?download=1"
    make_export.call(file_id=file.pk)
    return client.get(reverse("export-file-download", args=[file.pk]))


@pytest.fixture
def staff_of(world):
    def make(institution, role=User.Role.STAFF):
        person = PersonFactory(institution=institution)
        return UserFactory(role=role, person=person)

    return make


def test_staff_of_the_centre_download_pdf_and_zip(client, world, staff_of):
    client.force_login(staff_of(world["centre"]))
    response = fetch(client, export_url("pdf", world))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)  # in German: the dates as a German reviewer reads them
    assert "Frühstück für Eltern" in text and "02.09.2025, 16.09.2025" in text
    response = fetch(client, export_url("zip", world))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="nachweise-guetesiegel-' in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as pack:
        assert pack.testzip() is None
        assert len(pack.namelist()) == 4
        events = csv_rows(pack.read("veranstaltungen.csv"))
    assert (events[0][7], events[3][7]) == ("Termine", "02.09.2025, 16.09.2025")


def test_the_coordinator_and_the_state_download(client, world, coordinator, state_user):
    for user in (coordinator, state_user):
        client.force_login(user)
        assert fetch(client, export_url("pdf", world)).status_code == 200


def test_outsiders_are_refused(client, world, staff_of, borken):
    client.force_login(staff_of(world["other"]))  # staff of another centre of the region
    assert client.get(export_url("pdf", world)).status_code == 403
    assert client.get(reverse("centre-evidence", args=[world["centre"].pk])).status_code == 403
    client.force_login(staff_of(world["job_centre"]))  # staff of the job centre
    assert client.get(export_url("pdf", world)).status_code == 403
    outsider = UserFactory(role=User.Role.COORDINATOR, regions=[borken])
    client.force_login(outsider)
    assert client.get(export_url("pdf", world)).status_code == 404
    assert client.get(reverse("centre-evidence", args=[world["centre"].pk])).status_code == 404
    # an institution that is no family centre has no evidence pack
    client.force_login(UserFactory(role=User.Role.COORDINATOR, regions=[world["centre"].region]))
    url = export_url("pdf", world, institution=world["job_centre"].pk)
    assert client.get(url).status_code == 404
    assert client.get(reverse("centre-evidence", args=[world["job_centre"].pk])).status_code == 404


def test_a_bad_period_is_a_400_with_the_reason(client, world, coordinator, english):
    client.force_login(coordinator)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.get(export_url("pdf", world, until=tomorrow))
    assert response.status_code == 400
    assert "Der Zeitraum kann nicht nach heute enden." in response.content.decode()
    response = client.get(export_url("zip", world, since="kaputt"))
    assert response.status_code == 400
    assert "Geben Sie ein Datum als JJJJ-MM-TT ein." in response.content.decode()
    assert not ExportFile.objects.exists()  # refused before any work


def test_the_page(client, world, staff_of, english):
    client.force_login(staff_of(world["centre"]))
    url = reverse("centre-evidence", args=[world["centre"].pk])
    assert url == f"/institutions/{world['centre'].pk}/evidence/"
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Was das Paket enthält" in page and "Was es nicht enthält" in page
    last_year = timezone.localdate().year - 1
    assert f'value="{last_year}-01-01"' in page and f'value="{last_year}-12-31"' in page
    assert 'name="download" value="pdf"' in page and 'name="download" value="zip"' in page

    response = client.get(url, {"since": "2025-06-01", "until": "2025-05-01", "download": "pdf"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "error-summary" in page
    assert "Bis: Der Zeitraum darf nicht enden, bevor er beginnt." in page

    query = "since=2025-01-01&until=2025-12-31&download=pdf"
    response = fetch(client, f"{url}?{query}")
    assert response["Content-Type"] == "application/pdf"
    assert "Frühstück für Eltern" in pdf_text(response.content)
    file = ExportFile.objects.latest("pk")
    assert file.params == {"institution": str(world["centre"].pk)} | PERIOD | {"download": "pdf"}
    # the German date format of the form is taken too, and passed on as ISO dates
    response = fetch(client, f"{url}?since=01.01.2025&until=31.12.2025&download=zip")
    assert response["Content-Type"] == "application/zip"
    assert ExportFile.objects.latest("pk").params["since"] == "2025-01-01"


def test_the_zip_holds_the_sealed_pdf_of_a_version_in_force(world, english):
    agreement, version = world["agreement"], world["agreement"].versions.get()
    for party in agreement.parties.all():
        Signature.objects.create(
            version=version,
            party=party,
            method=Signature.Method.ELECTRONIC,
            signer_name=f"Leitung {party.institution.name}",
            digest=version.digest,
        )
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.IN_FORCE)
    content = evidence.zip_pack(collect(world))
    with zipfile.ZipFile(io.BytesIO(content)) as pack:
        (name,) = [name for name in pack.namelist() if name.startswith("vereinbarungen/")]
        data = pack.read(name)
    version.refresh_from_db()
    assert version.sealed_pdf and data == bytes(version.sealed_pdf)  # the kept, sealed bytes
    assert agreement.title in pdf_text(data)


def test_the_zip_holds_the_copy_signed_on_paper(world, english):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from neuewege.agreements.models import PaperCopy

    agreement, version = world["agreement"], world["agreement"].versions.get()
    scan = b"%PDF-1.4 unterschrieben von Hand"
    copy = PaperCopy.objects.create(
        version=version,
        file=SimpleUploadedFile("Scan Vereinbarung.PDF", scan),
        filename="Scan Vereinbarung.PDF",
        size=len(scan),
    )
    for party in agreement.parties.all():
        Signature.objects.create(
            version=version,
            party=party,
            method=Signature.Method.PAPER,
            signer_name=party.institution.name,
            digest=version.digest,
            paper_copy=copy,
        )
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.IN_FORCE)
    with zipfile.ZipFile(io.BytesIO(evidence.zip_pack(collect(world)))) as pack:
        scans = [name for name in pack.namelist() if "-unterschrieben-" in name]
        assert scans == [f"vereinbarungen/vereinbarung-{agreement.pk}-v1-unterschrieben-1.pdf"]
        assert pack.read(scans[0]) == scan
