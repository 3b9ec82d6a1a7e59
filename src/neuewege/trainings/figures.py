"""The figures of the trainings (issue 14, overview): per region and state-wide, trainings held
by module and year, participants by kind of institution, the share of family centres, job
centres and employment agencies with trained staff, and the qualified speakers by institution
and format.

Every figure is computed for all regions at once with a few aggregate queries (``_…`` below take
the regions to count, None: every region), so the state page costs the same number of queries
for 53 regions as for one. Pure reads of figures: no personal data leaves here.

- *Held*: a training with the status held or closed; its year is the year of its first session
  (Berlin time; without sessions: when it was planned).
- *Participant*: a registration marked as attended. It counts for the training's region; for a
  training of the state level (no region) for the region of the participant's institution.
- *Trained*: an institution with at least one participant of a cooperative or speaker training
  (a registration naming that institution), wherever the training took place.
- *Qualified speaker*: a person qualified to moderate a format (``Person.moderated_formats`` or a
  ``Qualification``), counted for the region of their institution.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from neuewege.core.models import EventFormat, Institution, Person, Region

from .models import Module, Qualification, Training, TrainingRegistration

Kind = Institution.Kind
HELD = (Training.Status.HELD, Training.Status.CLOSED)
COVERED_KINDS = (Kind.FAMILY_CENTRE, Kind.JOB_CENTRE, Kind.EMPLOYMENT_AGENCY)
TRAINS_STAFF = (Module.Kind.COOPERATIVE, Module.Kind.SPEAKER)
FORMATS = tuple(EventFormat)


@dataclass(frozen=True)
class Share:
    """``trained`` of ``total`` institutions, and the share in whole percent (None: no total)."""

    trained: int
    total: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.trained / self.total) if self.total else None

    def __str__(self):
        if self.percent is None:
            return _("%(trained)s of %(total)s") % {"trained": self.trained, "total": self.total}
        return _("%(trained)s of %(total)s (%(percent)s %%)") % {
            "trained": self.trained,
            "total": self.total,
            "percent": self.percent,
        }


@dataclass(frozen=True)
class Held:
    module: str
    year: int
    trainings: int


@dataclass(frozen=True)
class Coverage:
    kind: str
    label: str
    share: Share


@dataclass(frozen=True)
class Speakers:
    """Qualified speakers of one institution (or, state-wide, of one kind of institution)."""

    name: str
    kind_label: str
    by_format: tuple[int, ...]  # in the order of FORMATS
    people: int  # each person once, whatever their formats


@dataclass
class Figures:
    """The figures of one region, or of all regions together."""

    held: list[Held] = field(default_factory=list)
    participants: dict[str, int] = field(default_factory=dict)  # kind → participants
    coverage: list[Coverage] = field(default_factory=list)
    speakers: list[Speakers] = field(default_factory=list)

    @property
    def held_total(self) -> int:
        return sum(row.trainings for row in self.held)

    @property
    def participants_total(self) -> int:
        return sum(self.participants.values())

    @property
    def participant_rows(self) -> list[tuple[str, int]]:
        """(label, participants) per kind of institution, in the order of the kinds."""
        return [
            (Kind(kind).label, self.participants[kind])
            for kind in Kind
            if kind in self.participants
        ]

    @property
    def speaker_totals(self) -> tuple[int, ...]:
        return tuple(sum(row.by_format[i] for row in self.speakers) for i in range(len(FORMATS)))

    @property
    def speakers_total(self) -> int:
        return sum(row.people for row in self.speakers)

    @property
    def years(self) -> list[int]:
        return sorted({row.year for row in self.held})

    def held_chart(self) -> dict:
        """Trainings held per year, for the bar chart next to the table."""
        per_year = Counter()
        for row in self.held:
            per_year[row.year] += row.trainings
        years = sorted(per_year)
        return {
            "label": _("Trainings held"),
            "labels": [str(year) for year in years],
            "values": [per_year[year] for year in years],
        }

    def participants_chart(self) -> dict:
        rows = self.participant_rows
        return {
            "label": _("Participants"),
            "labels": [str(label) for label, _count in rows],
            "values": [count for _label, count in rows],
        }


@dataclass(frozen=True)
class RegionRow:
    """One region's line of the state overview."""

    region: Region
    held: int
    participants: int
    coverage: tuple[Share, ...]  # in the order of COVERED_KINDS
    speakers: int


@dataclass
class StateFigures:
    rows: list[RegionRow]
    total: Figures  # every region together, the state level's own trainings included

    @property
    def coverage_totals(self) -> list[Share]:
        return [item.share for item in self.total.coverage]


# The aggregate queries: each for the regions ``region_ids`` (None: every region)


def _within(region_ids, lookup):
    return Q() if region_ids is None else Q(**{f"{lookup}__in": region_ids})


def _held(region_ids) -> dict[int | None, list[Held]]:
    """Trainings held per region, module and year (region None: the state level's own)."""
    rows = (
        Training.objects.filter(_within(region_ids, "region_id"), status__in=HELD)
        .annotate(first_start=Coalesce(Min("sessions__starts_at"), F("created_at")))
        .values_list("region_id", "module__order", "module__title", "first_start")
    )
    counted = Counter(
        (region_id, order, title, timezone.localtime(start).year)
        for region_id, order, title, start in rows
    )
    held = defaultdict(list)
    for (region_id, _order, title, year), trainings in sorted(
        counted.items(), key=lambda item: (item[0][3], item[0][1], item[0][2])
    ):
        held[region_id].append(Held(title, year, trainings))
    return held


def _participant_region():
    return Coalesce("training__region_id", "institution__region_id")


def _participants(region_ids) -> dict[int | None, dict[str, int]]:
    rows = (
        TrainingRegistration.objects.filter(attended=True)
        .annotate(counted_region=_participant_region())
        .filter(_within(region_ids, "counted_region"))
        .values("counted_region", "institution_kind")
        .annotate(participants=Count("pk"))
    )
    participants = defaultdict(dict)
    for row in rows:
        participants[row["counted_region"]][row["institution_kind"]] = row["participants"]
    return participants


def _coverage(region_ids) -> dict[int, dict[str, Share]]:
    totals = (
        Institution.objects.filter(_within(region_ids, "region_id"), kind__in=COVERED_KINDS)
        .values("region_id", "kind")
        .annotate(institutions=Count("pk"))
    )
    trained = (
        TrainingRegistration.objects.filter(
            _within(region_ids, "institution__region_id"),
            attended=True,
            training__module__kind__in=TRAINS_STAFF,
            institution__kind__in=COVERED_KINDS,
        )
        .values(region_id=F("institution__region_id"), kind=F("institution__kind"))
        .annotate(institutions=Count("institution_id", distinct=True))
    )
    trained_by = {(row["region_id"], row["kind"]): row["institutions"] for row in trained}
    coverage = defaultdict(dict)
    for row in totals:
        key = (row["region_id"], row["kind"])
        coverage[row["region_id"]][row["kind"]] = Share(trained_by.get(key, 0), row["institutions"])
    return coverage


def _qualified(region_ids) -> list[tuple[dict, set[str]]]:
    """Each qualified person (their institution's id, name, kind and region) with the formats
    they may moderate: two queries."""
    by_qualification = defaultdict(set)
    for person_id, code in Qualification.objects.filter(
        _within(region_ids, "person__institution__region_id")
    ).values_list("person_id", "format"):
        by_qualification[person_id].add(code)
    people = (
        Person.objects.filter(_within(region_ids, "institution__region_id"))
        .filter(Q(pk__in=Qualification.objects.values("person_id")) | ~Q(moderated_formats=[]))
        .values(
            "pk",
            "moderated_formats",
            "institution_id",
            name=F("institution__name"),
            kind=F("institution__kind"),
            region_id=F("institution__region_id"),
        )
    )
    known = set(FORMATS)
    qualified = []
    for person in people:
        formats = (set(person["moderated_formats"] or ()) | by_qualification[person["pk"]]) & known
        if formats:
            qualified.append((person, formats))
    return qualified


def _speaker_rows(qualified, key) -> list[Speakers]:
    """Qualified speakers grouped by ``key`` (of a person's row): a name and a kind."""
    groups = {}
    for person, formats in qualified:
        name, kind = key(person)
        by_format, people = groups.get((name, kind), ([0] * len(FORMATS), 0))
        for index, code in enumerate(FORMATS):
            by_format[index] += code in formats
        groups[(name, kind)] = (by_format, people + 1)
    return [
        Speakers(name, Kind(kind).label, tuple(by_format), people)
        for (name, kind), (by_format, people) in sorted(groups.items())
    ]


def _coverage_list(shares: dict[str, Share]) -> list[Coverage]:
    return [
        Coverage(kind, Kind(kind).label, shares.get(kind, Share(0, 0))) for kind in COVERED_KINDS
    ]


# The figures


def region_figures(region: Region) -> Figures:
    """The figures of one region; its qualified speakers by institution."""
    ids = [region.pk]
    return Figures(
        held=_held(ids).get(region.pk, []),
        participants=_participants(ids).get(region.pk, {}),
        coverage=_coverage_list(_coverage(ids).get(region.pk, {})),
        speakers=_speaker_rows(_qualified(ids), lambda person: (person["name"], person["kind"])),
    )


def state_figures() -> StateFigures:
    """Each region's line and the totals of North Rhine-Westphalia, the state level's own
    trainings included; the qualified speakers by kind of institution. Seven queries, however
    many regions there are."""
    held, participants = _held(None), _participants(None)
    coverage, qualified = _coverage(None), _qualified(None)
    speakers_per_region = Counter(person["region_id"] for person, _formats in qualified)
    rows = [
        RegionRow(
            region=region,
            held=sum(row.trainings for row in held.get(region.pk, [])),
            participants=sum(participants.get(region.pk, {}).values()),
            coverage=tuple(item.share for item in _coverage_list(coverage.get(region.pk, {}))),
            speakers=speakers_per_region[region.pk],
        )
        for region in Region.objects.order_by("name")
    ]
    all_held = Counter()
    for region_rows in held.values():
        for row in region_rows:
            all_held[(row.year, row.module)] += row.trainings
    all_participants = Counter()
    for kinds in participants.values():
        all_participants.update(kinds)
    all_shares = {}
    for kind in COVERED_KINDS:
        shares = [
            region_shares[kind] for region_shares in coverage.values() if kind in region_shares
        ]
        all_shares[kind] = Share(sum(s.trained for s in shares), sum(s.total for s in shares))
    total = Figures(
        held=[
            Held(module, year, trainings) for (year, module), trainings in sorted(all_held.items())
        ],
        participants=dict(all_participants),
        coverage=_coverage_list(all_shares),
        speakers=_speaker_rows(
            qualified, lambda person: (str(Kind(person["kind"]).label), person["kind"])
        ),
    )
    return StateFigures(rows=rows, total=total)


def centres_with_trained_staff(since, until) -> dict[int, int]:
    """Family centres per region with trained staff by ``until`` (trained staff stay trained:
    ``since`` does not narrow it), in one query. The signature of a figure of regional goals
    (``cooperation.indicators.Indicator.compute``), for "every family centre has a trained
    contact"."""
    rows = (
        TrainingRegistration.objects.filter(
            attended=True,
            training__module__kind__in=TRAINS_STAFF,
            training__sessions__starts_at__lt=until,
            institution__kind=Kind.FAMILY_CENTRE,
        )
        .values(region=F("institution__region_id"))
        .annotate(value=Count("institution_id", distinct=True))
    )
    return {row["region"]: row["value"] for row in rows}
