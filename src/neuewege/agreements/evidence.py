"""The family centre's evidence pack for the Gütesiegel Familienzentrum NRW (PRODUCT.md): for a
review period (by default the last full calendar year — a re-certification examines one), what
the centre did and with whom, as a PDF and as a ZIP with that PDF, the PDFs of its agreements
and two tables (CSV).

What it holds:

- the centre (name, address, provider, its Gütesiegel's dates) and the period;
- the agreements in force at some day of the period that the centre is a party of (title,
  parties, term, status, the version that was signed and its SHA-256);
- the events held at the centre in the period — as the evaluation counts them: published, held
  or closed, with a date not cancelled that began in the period (and by now) — with each of
  these dates, format, title, speakers (professionals: name and institution) and how many
  parents attended (registrations marked present at one of those dates); totals by format;
- the cooperation partners: the institutions of the agreements' parties and of the speakers;
- the centre's staff's trainings attended in the period (name, module, date, hours) and who
  reached the ``MIN_TRAINING_HOURS`` the Gütesiegel asks for;
- the parents' follow-up survey of the centre's events, through the evaluation's own results
  and its small-number rule (``evaluation.results``, ``evaluation.disclosure``): results are
  asked for fixed periods only, so they are given per calendar year of the period, and every
  figure of fewer than five responses (or that two selections would reveal) reads "< 5";
- warnings: evidence that ends within the period or soon after it (an agreement ending in the
  period or expired; the Gütesiegel ending in the period or within ``WARN_MONTHS`` after it),
  dates held without recorded attendance, no agreement in force, nobody with enough training.

What it leaves out: every parent's personal data (names, contacts, children) — attendance is a
number; free-text answers of the survey.
"""

import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from neuewege.core import exporters
from neuewege.core.documents import render_pdf, to_csv
from neuewege.core.errors import NotFound, ValidationFailed
from neuewege.core.exporters import Document, Exporter, Invalid, Target
from neuewege.core.models import EventFormat, Institution
from neuewege.events.models import EventSession, ParentEvent, Registration
from neuewege.trainings.models import TrainingRegistration

from .models import Agreement, AgreementVersion, Signature
from .permissions import EVIDENCE

MAX_YEARS = 5
WARN_MONTHS = 6  # the Gütesiegel ending this soon after the period: a warning
MIN_TRAINING_HOURS = Decimal(6)
FIRST_YEAR = 2000


# The review period


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


@dataclass(frozen=True)
class ReviewPeriod:
    since: date
    until: date  # the last day, included

    @property
    def end(self) -> date:
        """The first day after it."""
        return self.until + timedelta(days=1)

    def label(self) -> str:
        return _("%(since)s to %(until)s") % {
            "since": date_format(self.since, "SHORT_DATE_FORMAT"),
            "until": date_format(self.until, "SHORT_DATE_FORMAT"),
        }

    def years(self) -> list[int]:
        return list(range(self.since.year, self.until.year + 1))


def default_period(today: date | None = None) -> ReviewPeriod:
    """The last full calendar year (what a re-certification examines)."""
    year = (today or timezone.localdate()).year - 1
    return ReviewPeriod(date(year, 1, 1), date(year, 12, 31))


def _parse(text, field_name: str, label: str) -> tuple[date | None, dict]:
    text = (text or "").strip()
    if not text:
        return None, {}
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None, {field_name: _("%(label)s: enter a date as YYYY-MM-DD.") % {"label": label}}
    if day.year < FIRST_YEAR:
        return None, {
            field_name: _("%(label)s: enter a date from %(year)s on.")
            % {"label": label, "year": FIRST_YEAR}
        }
    return day, {}


def review_period(since=None, until=None, *, today: date | None = None) -> ReviewPeriod:
    """The period from the texts (ISO dates; empty: the last full calendar year's day), or
    ValidationFailed naming the field: from before until, until not after today, at most
    ``MAX_YEARS`` years."""
    today = today or timezone.localdate()
    fallback = default_period(today)
    if isinstance(since, date):
        since = since.isoformat()
    if isinstance(until, date):
        until = until.isoformat()
    first, errors = _parse(since, "since", _("From"))
    last, more = _parse(until, "until", _("Until"))
    errors |= more
    if errors:
        raise ValidationFailed(errors)
    first = first or fallback.since
    last = last or fallback.until
    if last > today:
        raise ValidationFailed({"until": _("Until: the period cannot end after today.")})
    if first > last:
        raise ValidationFailed({"until": _("Until: the period must not end before it begins.")})
    if last >= add_years(first, MAX_YEARS):
        raise ValidationFailed(
            {
                "until": _("Until: the period can be at most %(years)s years long.")
                % {"years": MAX_YEARS}
            }
        )
    return ReviewPeriod(first, last)


# What the pack holds


@dataclass
class AgreementEvidence:
    agreement: Agreement
    version: AgreementVersion | None
    parties: list[Institution]
    ends_on: date  # its last day in force: its end, or the day before its termination

    @property
    def status_label(self) -> str:
        return str(self.agreement.get_status_display())


@dataclass
class EventEvidence:
    event: ParentEvent
    days: list[date]  # the dates held in the period, in order
    speakers: list[tuple[str, Institution]]  # (name, institution): professionals
    attended: int  # parents present at one of these dates at least
    unrecorded: int  # dates held without recorded attendance

    @property
    def first_date(self) -> date:
        return self.days[0]

    @property
    def dates(self) -> int:
        return len(self.days)

    @property
    def days_text(self) -> str:
        """Every date held, as the language writes a date (German: 04.03.2025), comma-separated."""
        return ", ".join(date_format(day, "SHORT_DATE_FORMAT") for day in self.days)

    @property
    def speaker_text(self) -> str:
        return "; ".join(f"{name} ({institution.name})" for name, institution in self.speakers)


@dataclass
class FormatTotal:
    code: str
    label: str
    events: int = 0
    dates: int = 0
    attended: int = 0


@dataclass
class TrainingEvidence:
    name: str
    module: str
    training: str
    day: date
    hours: Decimal


@dataclass
class StaffHours:
    name: str
    hours: Decimal

    @property
    def enough(self) -> bool:
        return self.hours >= MIN_TRAINING_HOURS


@dataclass
class Partner:
    institution: Institution
    reasons: list[str] = field(default_factory=list)


@dataclass
class SurveyYear:
    year: int
    columns: list[str]
    rows: list[tuple[str, list[str]]]  # (format, figures as shown: "< 5" when withheld)
    empty: bool


@dataclass
class Evidence:
    centre: Institution
    period: ReviewPeriod
    made_at: datetime
    agreements: list[AgreementEvidence]
    events: list[EventEvidence]
    totals: list[FormatTotal]
    total: FormatTotal
    partners: list[Partner]
    trainings: list[TrainingEvidence]
    staff_hours: list[StaffHours]
    survey: list[SurveyYear]
    warnings: list[str]

    @property
    def filename_stem(self) -> str:
        return f"nachweise-guetesiegel-{self.centre.pk}-{self.period.since}-{self.period.until}"


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def _agreements(centre: Institution, period: ReviewPeriod) -> list[AgreementEvidence]:
    """The agreements the centre is a party of that were in force on a day of the period."""
    candidates = (
        Agreement.objects.filter(Q(family_centre=centre) | Q(parties__institution=centre))
        .filter(in_force_at__isnull=False, starts_on__lte=period.until)
        .exclude(status__in=[Agreement.Status.DRAFT, Agreement.Status.SIGNING])
        .distinct()
        .prefetch_related("parties__institution")
        .order_by("starts_on", "pk")
    )
    found = []
    for agreement in candidates:
        days = agreement.days_in_force()
        if days is None or days[1] < period.since or days[0] > period.until:
            continue
        found.append(
            AgreementEvidence(
                agreement=agreement,
                version=None,
                parties=[party.institution for party in agreement.parties.all()],
                ends_on=days[1],
            )
        )
    versions = _signed_versions([item.agreement for item in found])
    for item in found:
        item.version = versions.get(item.agreement.pk)
    return found


def _signed_versions(agreements: list[Agreement]) -> dict[int, AgreementVersion]:
    """Per agreement the version all its parties signed (the newest such), else its newest."""
    if not agreements:
        return {}
    parties = {agreement.pk: len(agreement.parties.all()) for agreement in agreements}
    signed = (
        Signature.objects.filter(version__agreement_id__in=list(parties), voided_at__isnull=True)
        .values("version_id")
        .annotate(n=Count("party_id", distinct=True))
    )
    signed_by = {row["version_id"]: row["n"] for row in signed}
    chosen: dict[int, AgreementVersion] = {}
    for version in AgreementVersion.objects.filter(agreement_id__in=list(parties)).order_by(
        "agreement_id", "-number"
    ):
        complete = signed_by.get(version.pk, 0) >= parties[version.agreement_id]
        current = chosen.get(version.agreement_id)
        if current is None or (
            complete and signed_by.get(current.pk, 0) < parties[version.agreement_id]
        ):
            chosen[version.agreement_id] = version
    return chosen


def _events(centre: Institution, period: ReviewPeriod, now: datetime):
    start = _aware(period.since)
    end = min(_aware(period.end), now)  # held: begun by now
    held = list(
        EventSession.objects.of_live_events()
        .filter(
            event__family_centre=centre,
            is_cancelled=False,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .values_list("pk", "event_id", "starts_at", "attendance_recorded_at")
        .order_by("starts_at", "pk")
    )
    by_event: dict[int, list] = defaultdict(list)
    for pk, event_id, starts_at, recorded in held:
        by_event[event_id].append((pk, starts_at, recorded))
    if not by_event:
        return []
    present = (
        Registration.attended_sessions.through.objects.filter(
            eventsession_id__in=[row[0] for row in held],
            registration__status=Registration.Status.CONFIRMED,  # as the evaluation counts
        )
        .values("eventsession__event_id")
        .annotate(n=Count("registration_id", distinct=True))
    )
    attended = {row["eventsession__event_id"]: row["n"] for row in present}
    speakers = defaultdict(list)
    through = ParentEvent.speakers.through
    for row in (
        through.objects.filter(parentevent_id__in=list(by_event))
        .select_related("person__institution")
        .order_by("person__last_name", "person__first_name", "pk")
    ):
        person = row.person
        speakers[row.parentevent_id].append(
            (f"{person.first_name} {person.last_name}", person.institution)
        )
    events = ParentEvent.objects.filter(pk__in=list(by_event)).select_related("format")
    found = []
    for event in events:
        dates = by_event[event.pk]
        found.append(
            EventEvidence(
                event=event,
                days=[timezone.localdate(starts_at) for _pk, starts_at, _recorded in dates],
                speakers=speakers[event.pk],
                attended=attended.get(event.pk, 0),
                unrecorded=sum(1 for _pk, _start, recorded in dates if recorded is None),
            )
        )
    found.sort(key=lambda item: (item.first_date, item.event.title.casefold(), item.event.pk))
    return found


def _totals(events: list[EventEvidence]) -> tuple[list[FormatTotal], FormatTotal]:
    by_format: dict[str, FormatTotal] = {}
    total = FormatTotal("", _("All formats"))
    for item in events:
        code = item.event.format.code
        row = by_format.setdefault(code, FormatTotal(code, item.event.format.name))
        for tally in (row, total):
            tally.events += 1
            tally.dates += item.dates
            tally.attended += item.attended
    order = list(EventFormat.values)  # as the evaluation orders them
    rows = sorted(
        by_format.values(),
        key=lambda row: (order.index(row.code) if row.code in order else len(order), row.label),
    )
    return rows, total


def _partners(centre, agreements, events) -> list[Partner]:
    partners: dict[int, Partner] = {}
    for item in agreements:
        for institution in item.parties:
            if institution.pk != centre.pk:
                partner = partners.setdefault(institution.pk, Partner(institution))
                reason = _("Party to “%(title)s”") % {"title": item.agreement.title}
                if reason not in partner.reasons:
                    partner.reasons.append(reason)
    speaking: dict[int, int] = defaultdict(int)
    for item in events:
        for institution in {i.pk: i for _name, i in item.speakers}.values():
            if institution.pk != centre.pk:
                partners.setdefault(institution.pk, Partner(institution))
                speaking[institution.pk] += 1
    for pk, number in speaking.items():
        partners[pk].reasons.append(
            ngettext("Speakers at one event", "Speakers at %(number)s events", number)
            % {"number": number}
        )
    return sorted(partners.values(), key=lambda partner: partner.institution.name.casefold())


def _trainings(centre, period: ReviewPeriod):
    registrations = (
        TrainingRegistration.objects.filter(
            Q(institution=centre) | Q(person__institution=centre),
            status=TrainingRegistration.Status.CONFIRMED,
            attended=True,
            session__isnull=False,
            session__cancelled_at__isnull=True,
            session__starts_at__gte=_aware(period.since),
            session__starts_at__lt=_aware(period.end),
        )
        .select_related("training__module", "session")
        .order_by("last_name", "first_name", "session__starts_at", "pk")
    )
    rows, hours, names = [], defaultdict(Decimal), {}
    for registration in registrations:
        name = registration.full_name
        key = registration.person_id or name.casefold()
        names[key] = name
        module = registration.training.module
        rows.append(
            TrainingEvidence(
                name=name,
                module=module.title,
                training=registration.training.title,
                day=timezone.localdate(registration.session.starts_at),
                hours=module.credited_hours,
            )
        )
        hours[key] += module.credited_hours
    staff = sorted(
        (StaffHours(names[key], total) for key, total in hours.items()),
        key=lambda item: item.name.casefold(),
    )
    return rows, staff


def _survey(centre: Institution, period: ReviewPeriod, now: datetime) -> list[SurveyYear]:
    """The follow-up survey of the centre's events per calendar year, through the evaluation's
    results (the small-number rule included): the survey figures only."""
    from neuewege.evaluation.disclosure import Period
    from neuewege.evaluation.results import COLUMNS, Filters, results

    codes = ["responses", "response_rate", "took_step", "helpful"]
    years = []
    for year in period.years():
        found = results(
            Filters(Period.year(year), region=centre.region, family_centre=centre), now=now
        )
        table = found.survey()
        index = [column.code for column in table.columns]
        rows = [
            (row.label, [str(row.cells[index.index(code)]) for code in codes]) for row in table.rows
        ]
        years.append(
            SurveyYear(
                year=year,
                columns=[str(COLUMNS[code]) for code in codes],
                rows=rows,
                empty=not found.total.invitations and not found.total.responses,
            )
        )
    return years


def _warnings(centre, period, today, agreements, events, staff_hours) -> list[str]:
    warnings = []
    until = centre.certified_until
    if until is None:
        warnings.append(_("No Gütesiegel dates are recorded for the centre."))
    elif until < period.since:
        warnings.append(
            _("The Gütesiegel ended on %(date)s, before the period.")
            % {"date": date_format(until, "SHORT_DATE_FORMAT")}
        )
    elif until <= period.until:
        warnings.append(
            _("The Gütesiegel ends on %(date)s, within the period.")
            % {"date": date_format(until, "SHORT_DATE_FORMAT")}
        )
    elif until < add_months(period.end, WARN_MONTHS):
        warnings.append(
            _("The Gütesiegel ends on %(date)s, within %(months)s months after the period.")
            % {"date": date_format(until, "SHORT_DATE_FORMAT"), "months": WARN_MONTHS}
        )
    if not agreements:
        warnings.append(_("No cooperation agreement of the centre was in force in the period."))
    for item in agreements:
        ends = date_format(item.ends_on, "SHORT_DATE_FORMAT")
        values = {"title": item.agreement.title, "date": ends}
        if item.ends_on < today:
            warnings.append(_("The agreement “%(title)s” ended on %(date)s.") % values)
        elif item.ends_on <= period.until:
            warnings.append(
                _("The agreement “%(title)s” ends on %(date)s, within the period.") % values
            )
    for item in events:
        if item.unrecorded:
            warnings.append(
                _(
                    "No attendance recorded for “%(title)s” on %(number)s of %(dates)s dates "
                    "(first date %(date)s)."
                )
                % {
                    "title": item.event.title,
                    "number": item.unrecorded,
                    "dates": item.dates,
                    "date": date_format(item.first_date, "SHORT_DATE_FORMAT"),
                }
            )
    if not any(item.enough for item in staff_hours):
        warnings.append(
            _("Nobody of the centre's staff attended %(hours)s hours of training in the period.")
            % {"hours": MIN_TRAINING_HOURS}
        )
    return warnings


def collect(centre: Institution, period: ReviewPeriod, *, now: datetime | None = None) -> Evidence:
    """Everything the pack holds, for ``centre`` (a family centre) in ``period``."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    agreements = _agreements(centre, period)
    events = _events(centre, period, now)
    totals, total = _totals(events)
    trainings, staff_hours = _trainings(centre, period)
    return Evidence(
        centre=centre,
        period=period,
        made_at=now,
        agreements=agreements,
        events=events,
        totals=totals,
        total=total,
        partners=_partners(centre, agreements, events),
        trainings=trainings,
        staff_hours=staff_hours,
        survey=_survey(centre, period, now),
        warnings=_warnings(centre, period, today, agreements, events, staff_hours),
    )


# The files


def pdf(evidence: Evidence) -> bytes:
    return render_pdf(
        "agreements/evidence_pdf.html",
        {"evidence": evidence, "min_hours": MIN_TRAINING_HOURS, "max_years": MAX_YEARS},
    )


def events_csv(evidence: Evidence) -> bytes:
    header = [
        _("Date"),
        _("Dates held"),
        _("Format"),
        _("Title"),
        _("Speakers"),
        _("Parents attended"),
        _("Dates without recorded attendance"),
        _("Dates"),
    ]
    rows = [
        [
            item.first_date.isoformat(),
            item.dates,
            item.event.format.name,
            item.event.title,
            item.speaker_text,
            item.attended,
            item.unrecorded,
            item.days_text,
        ]
        for item in evidence.events
    ]
    return to_csv(header, rows)


def trainings_csv(evidence: Evidence) -> bytes:
    header = [
        _("Name"),
        _("Module"),
        _("Training"),
        _("Date"),
        _("Hours"),
        _("%(hours)s hours reached") % {"hours": MIN_TRAINING_HOURS},
    ]
    enough = {item.name: item.enough for item in evidence.staff_hours}
    rows = [
        [
            item.name,
            item.module,
            item.training,
            item.day.isoformat(),
            str(item.hours.normalize()),
            _("yes") if enough.get(item.name) else _("no"),
        ]
        for item in evidence.trainings
    ]
    return to_csv(header, rows)


def agreement_pdf(version: AgreementVersion) -> bytes:
    """The PDF of a version as ``agreements.documents`` hands it out: the sealed one (made
    once, kept) for the version in force, else made from the version's snapshot."""
    from .documents import current_pdf

    return current_pdf(version)


def zip_pack(evidence: Evidence, *, summary: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    stem = evidence.filename_stem
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
        pack.writestr(f"{stem}.pdf", summary if summary is not None else pdf(evidence))
        for item in evidence.agreements:
            if item.version is None:
                continue
            name = f"vereinbarungen/vereinbarung-{item.agreement.pk}-v{item.version.number}"
            pack.writestr(f"{name}.pdf", agreement_pdf(item.version))
            # the copies signed by hand on paper: the signatures themselves
            for number, copy in enumerate(item.version.paper_copies.order_by("pk"), start=1):
                ending = PurePath(copy.filename).suffix.lower() or ".pdf"
                with copy.file.open("rb") as scan:
                    pack.writestr(f"{name}-unterschrieben-{number}{ending}", scan.read())
        pack.writestr("veranstaltungen.csv", events_csv(evidence))
        pack.writestr("fortbildungen.csv", trainings_csv(evidence))
    return buffer.getvalue()


# The exporter (``core.exporters``; registered in ``apps.py``)


def family_centre(access, pk) -> Institution:
    """A family centre within the account's regions, else NotFound (404)."""
    centre = access.institutions().family_centres().select_related("region").filter(pk=pk).first()
    if centre is None:
        raise NotFound({"institution": "no family centre of this account's regions"})
    return centre


def _find(access, params) -> Target:
    """The centre and the period: 404 outside the account's regions, 403 without the
    permission, then 400 for a period that makes no sense (before the work starts)."""
    centre = family_centre(access, exporters.number(params, "institution"))
    if not access.has(EVIDENCE, centre):  # before the period: outsiders learn nothing of it
        raise DjangoPermissionDenied
    try:
        period = review_period(params.get("since"), params.get("until"))
    except ValidationFailed as error:
        raise Invalid(" ".join(error.messages())) from error
    return Target(
        region_id=centre.region_id,
        records=[centre],
        data={"centre": centre, "period": period},
        subject=centre,
    )


def _produce(target: Target, fmt: str) -> Document:
    evidence = collect(target.data["centre"], target.data["period"])
    if fmt == "pdf":
        return Document(pdf(evidence), f"{evidence.filename_stem}.pdf")
    return Document(zip_pack(evidence), f"{evidence.filename_stem}.zip")


EVIDENCE_PACK = Exporter(
    name="centre-evidence",
    label=gettext_lazy("Evidence for the Gütesiegel"),
    formats=("pdf", "zip"),
    find=_find,
    permission=EVIDENCE,
    produce=_produce,
    # a PDF of five years of a busy centre takes longer than a web request may (bench/evidence.py)
    background=True,
)


def register():
    exporters.register(EVIDENCE_PACK)
