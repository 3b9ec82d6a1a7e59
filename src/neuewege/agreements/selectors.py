"""Every read of the agreements app, scoped to the account: the agreements of its regions,
the overview of a region (each family centre's agreement and the framework's status), the
comparison of two versions, who may sign what."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from neuewege.cooperation.selectors import marked_changes
from neuewege.core.access import Access
from neuewege.core.models import Institution, Region, User
from neuewege.core.start import START_ROWS

from .models import (
    EXPIRING,
    EXPIRING_DAYS,
    SIGNED,
    STATUS_LABELS,
    Agreement,
    AgreementVersion,
    Clause,
    Kind,
    Party,
    Signature,
)
from .permissions import of_party, signing_refusal

# an agreement that counts for a family centre, best first: the one in force, then one on its way
STATUS_RANK = {
    Agreement.Status.IN_FORCE: 0,
    EXPIRING: 0,
    SIGNED: 1,
    Agreement.Status.SIGNING: 1,
    Agreement.Status.DRAFT: 2,
    Agreement.Status.EXPIRED: 3,
    Agreement.Status.TERMINATED: 4,
    Agreement.Status.RENEWED: 5,
}
NONE = "none"
# the overview's colours (map dots): in force green, expiring amber, on its way blue, else grey
COLOURS = {
    Agreement.Status.IN_FORCE: "#1b7a3a",
    EXPIRING: "#a85d00",
    SIGNED: "#1b7a3a",
    Agreement.Status.SIGNING: "#1f5fad",
    Agreement.Status.DRAFT: "#1f5fad",
}
GREY = "#6b6b6b"


def agreements(access: Access):
    """The agreements of the account's regions."""
    return Agreement.objects.filter(region__in=access.region_ids).select_related(
        "region", "family_centre"
    )


def agreement_versions(access: Access):
    return AgreementVersion.objects.filter(agreement__region__in=access.region_ids).select_related(
        "agreement__region"
    )


def clauses(access: Access):
    """The state's clauses and the variants of the account's regions."""
    from django.db.models import Q

    return Clause.objects.filter(Q(region__isnull=True) | Q(region__in=access.region_ids))


def detail(agreement: Agreement):
    """The agreement with its parties, versions (newest first) and the signatures of each."""
    return (
        Agreement.objects.select_related("region", "family_centre", "predecessor")
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.select_related("institution")),
            Prefetch(
                "versions",
                queryset=AgreementVersion.objects.defer("sealed_pdf").prefetch_related(
                    Prefetch(
                        "signatures",
                        queryset=Signature.objects.select_related(
                            "party__institution", "paper_copy"
                        ),
                    )
                ),
            ),
        )
        .get(pk=agreement.pk)
    )


@dataclass
class PartyState:
    party: Party
    signature: Signature | None  # the valid signature of the current version
    can_sign: bool = False
    # why the account, a person of this party's institution, may not sign for it (no right)
    refusal: str = ""


def party_states(access: Access, agreement: Agreement) -> list[PartyState]:
    """Each party, its signature of the current version, and whether the account signs for it
    — or, a person of that institution without the right to sign, why not."""
    current = agreement.versions.all()[0]
    valid = {
        signature.party_id: signature
        for signature in current.signatures.all()
        if signature.voided_at is None
    }
    signing = agreement.status == Agreement.Status.SIGNING
    states = []
    for party in agreement.parties.all():
        state = PartyState(party, valid.get(party.pk))
        if signing and party.pk not in valid and of_party(access, party):
            refusal = signing_refusal(access, party)
            state.can_sign = refusal is None
            state.refusal = refusal or ""
        states.append(state)
    return states


def signing_right_keepers(region_id: int):
    """Whom a person without the right to sign asks for it: the region's coordinators, who
    manage its accounts (lazy: read only when a page shows them)."""
    return User.objects.filter(
        is_active=True, role=User.Role.COORDINATOR, regions__id=region_id
    ).order_by("last_name", "first_name", "email")


@dataclass
class ClauseChange:
    heading: str
    older: str
    newer: str
    changed: bool


def clause_pairs(older: dict | None, newer: dict) -> list[tuple[str, str, str | None, str | None]]:
    """(key, heading, filled text before, after) of each clause of two snapshots — of
    ``newer``'s clauses in order, then those only ``older`` had; None where a side has none."""
    before = {clause["key"]: clause for clause in (older["clauses"] if older else [])}
    after = {clause["key"]: clause for clause in newer["clauses"]}
    return [
        (
            key,
            (after.get(key) or before[key])["heading"],
            before[key]["filled"] if key in before else None,
            after[key]["filled"] if key in after else None,
        )
        for key in dict.fromkeys([*after, *before])
    ]


def comparison(older: AgreementVersion | None, newer: AgreementVersion) -> list[ClauseChange]:
    """The filled text of each clause of ``newer`` beside ``older``'s, changed words marked;
    a clause only one of them has is compared with nothing."""
    changes = []
    for _key, heading, old, new in clause_pairs(older and older.snapshot, newer.snapshot):
        marked_old, marked_new = marked_changes(old or "", new or "")
        changes.append(ClauseChange(heading, marked_old, marked_new, old != new))
    return changes


def facts_changed(older: AgreementVersion | None, newer: AgreementVersion) -> list[str]:
    """The facts besides the clauses that differ: term, renewal, parties."""
    if older is None:
        return []
    keys = ("title", "starts_on", "ends_on", "renews_automatically", "renewal_months", "parties")
    return [key for key in keys if older.snapshot.get(key) != newer.snapshot.get(key)]


@dataclass
class CentreRow:
    centre: Institution
    agreement: Agreement | None
    status: str  # a status as shown (incl. "expiring"), or NONE

    @property
    def label(self):
        return STATUS_LABELS.get(self.status) if self.agreement else None


@dataclass
class Overview:
    region: Region
    framework: Agreement | None
    framework_status: str
    centres: list[CentreRow] = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    @property
    def framework_label(self):
        return STATUS_LABELS.get(self.framework_status)

    @property
    def framework_missing(self) -> bool:
        """No framework agreement in force or on its way."""
        return self.framework_status in (
            NONE,
            Agreement.Status.EXPIRED,
            Agreement.Status.TERMINATED,
            Agreement.Status.RENEWED,
        )

    def map_points(self) -> list[dict]:
        return [
            {
                "lat": float(row.centre.latitude),
                "lon": float(row.centre.longitude),
                "name": f"{row.centre.name}: {row.label or '–'}",
                "colour": COLOURS.get(row.status, GREY),
            }
            for row in self.centres
            if row.centre.latitude is not None and row.centre.longitude is not None
        ]


def best(candidates: list[Agreement], today: date) -> Agreement | None:
    """The agreement that speaks for a centre (or the region's framework): in force first,
    then in signature, draft, expired …; the newest among equals."""
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda agreement: (STATUS_RANK[agreement.status_on(today)], -agreement.pk),
    )


def overview(region: Region, today: date | None = None) -> Overview:
    """Each family centre of the region with its agreement (the best one) and its status as
    shown; the framework agreement's; counts per status (NONE: no agreement at all)."""
    today = today or timezone.localdate()
    by_centre: dict[int, list[Agreement]] = {}
    frameworks = []
    for agreement in Agreement.objects.filter(region=region).order_by("pk"):
        if agreement.kind == Kind.FRAMEWORK:
            frameworks.append(agreement)
        else:
            by_centre.setdefault(agreement.family_centre_id, []).append(agreement)
    framework = best(frameworks, today)
    result = Overview(
        region=region,
        framework=framework,
        framework_status=framework.status_on(today) if framework else NONE,
    )
    centres = Institution.objects.filter(
        region=region, kind=Institution.Kind.FAMILY_CENTRE
    ).order_by("name")
    for centre in centres:
        agreement = best(by_centre.get(centre.pk, []), today)
        status = agreement.status_on(today) if agreement else NONE
        result.centres.append(CentreRow(centre, agreement, status))
        result.counts[status] = result.counts.get(status, 0) + 1
    return result


def centres_in_force(since, until) -> dict[int, int]:
    """Per region: the family centres with an agreement in force on the last day of the
    window (the figure of the regional goals and the dashboard; for a window of the past, the
    agreements in force then, also those expired or terminated since)."""
    from django.db.models import Count

    day = timezone.localtime(until - timedelta(seconds=1)).date()  # the window's last day
    rows = (
        Agreement.objects.filter(Agreement.in_force_filter(day), kind=Kind.FAMILY_CENTRE)
        .values("region_id")
        .annotate(value=Count("family_centre_id", distinct=True))
    )
    return {row["region_id"]: row["value"] for row in rows}


# The start page's panel (core/start.py)


def expiring(access: Access, region: Region, user) -> dict:
    """Agreements of the region in force that end within EXPIRING_DAYS (as the list shows them:
    "expiring"), and family centres whose Gütesiegel certification ends within six months or
    has ended (``core.selectors.certifications_expiring``)."""
    from neuewege.core.selectors import certifications_expiring

    today = timezone.localdate()
    agreements = (
        Agreement.objects.filter(
            region=region,
            status=Agreement.Status.IN_FORCE,
            starts_on__lte=today,
            ends_on__gte=today,
            ends_on__lte=today + timedelta(days=EXPIRING_DAYS),
        )
        .select_related("family_centre")
        .order_by("ends_on", "pk")
    )
    return {
        "agreements": list(agreements[:START_ROWS]),
        "certifications": list(certifications_expiring(region)[:START_ROWS]),
        "today": today,
    }
