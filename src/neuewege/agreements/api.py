"""API routes of the cooperation agreements: the clause library (the two templates, a clause's
new version, a region's variant), a region's agreements, an agreement with its parties and
versions, a version as agreed (snapshot, digest, signatures, its documents), and the steps of
an agreement's life: a new version, sent for signature, signed, terminated, renewed. Handlers
parse input, find the records within the caller's regions and call ``agreements.services``;
the rules live there and in the access policy.

Who gets what, as in the application:

- A region outside the caller's regions answers 404 on every route, and so does a record of it
  (an agreement, a version, a region's clause variant); as the templates' query parameter it is
  refused at ``region`` (422), as query parameters are elsewhere. The state's clauses and the
  templates are read by every account.
- Agreements, versions and signatures are read by everyone who sees the region's agreements
  (``agreements.see``: its people, the viewer, the state level).
- The coordinator drafts, changes, sends for signature, terminates and renews
  (``agreements.draft``); a person signs for their own institution only, with an account
  the coordinator has given the right to sign (``agreements.sign``,
  ``permissions.signing_refusal``); the state level keeps the state's clauses, the coordinator the
  region's variants (``agreements.clauses``). Others who may read get 403.

Saving a version whose text and term equal the latest one's saves nothing: 200 with
``{"changed": false}`` instead of 201 with the new version.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from django.db.models import Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictBool, StrictInt

from neuewege.core.access import Access
from neuewege.core.api_types import (
    Day,
    Input,
    Page,
    RegionKey,
    RegionKeyPath,
    Text,
    api_access,
    permitted_region,
    service_caller,
    visible_region,
)
from neuewege.core.errors import ValidationFailed
from neuewege.core.models import Institution

from . import selectors, services
from .library import PLACEHOLDERS
from .models import (
    PARTY_KINDS,
    STATUS_LABELS,
    Agreement,
    AgreementVersion,
    Clause,
    Kind,
    Party,
    Signature,
)
from .permissions import SEE

router = Router(tags=["agreements"])

RecordId = Annotated[int, Path(ge=1, le=2**63 - 1)]
BodyId = Annotated[StrictInt, Field(ge=1, le=2**63 - 1)]  # in a body: JSON's true is no id
RenewalMonths = Annotated[StrictInt, Field(ge=1, le=60, description="The renewal term")]
ClauseKey = Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,40}$")]
ClauseText = Text(services.MAX_CLAUSE_CHARS)
MAX_PARTIES = 20
StatusShown = Literal[tuple(STATUS_LABELS)]
TemplateKind = Literal[tuple(Kind.values)]  # inline: "Kind" alone names no component well
call = service_caller(
    {
        "family_centre": "family_centre_id",
        "parties": "party_ids",
        "version": "version_id",
        "party": "party_id",
    }
)
DOCUMENT_URL = "/api/v1/exports/agreement-version.{fmt}?version={id}"


# Schemas: the clause library


class PlaceholderOut(Schema):
    name: str = Field(..., description="Written in a clause as {{name}}")
    label: str


class ClauseVersionOut(Schema):
    id: int
    clause_id: int
    number: int
    text: str
    note: str
    created_at: datetime


class ClauseOut(Schema):
    id: int
    key: str
    heading: str
    position: int
    region: str | None = Field(..., description="Empty: the state's clause")
    latest: ClauseVersionOut | None = Field(..., description="Its latest version")


class TemplateClauseOut(ClauseOut):
    region_variant: ClauseOut | None = Field(
        None, description="With ``region``: that region's variant, which replaces it there"
    )


class PartyKindOut(Schema):
    kind: Institution.Kind
    label: str


class TemplateOut(Schema):
    kind: TemplateKind
    label: str
    party_kinds: list[PartyKindOut]
    clauses: list[TemplateClauseOut]


class TemplatesOut(Schema):
    templates: list[TemplateOut]
    placeholders: list[PlaceholderOut]


class TemplateFilter(Input):
    region: RegionKey | None = Field(None, description="A region of yours: its variants too")


class ClauseVersionIn(Input):
    text: ClauseText = Field(..., description="Placeholders only of the library's")
    note: Text(200) = ""


class RegionVariantIn(ClauseVersionIn):
    clause_id: BodyId = Field(..., description="One of the state's clauses")


# Schemas: agreements


class AgreementOut(Schema):
    id: int
    region: str
    kind: TemplateKind
    title: str
    family_centre_id: int | None
    family_centre: str | None
    status: StatusShown = Field(..., description="As shown: expiring within 90 days of the end")
    status_label: str
    starts_on: date
    ends_on: date
    renews_automatically: bool
    renewal_months: int
    version: int | None = Field(..., description="The current version's number")


class SignatureOut(Schema):
    id: int
    version_id: int
    party_id: int
    institution: str
    method: Signature.Method
    signer_name: str
    signer_function: str
    signed_at: datetime
    digest: str = Field(..., description="SHA-256 of the version signed")
    voided_at: datetime | None = Field(..., description="Void since a newer version")


class PartyOut(Schema):
    id: int = Field(..., description="The party's id (to sign for it), not the institution's")
    institution_id: int
    name: str
    kind: Institution.Kind
    signed: bool = Field(..., description="Has signed the current version")
    signature: SignatureOut | None


class VersionSummaryOut(Schema):
    id: int
    number: int
    note: str
    digest: str
    created_at: datetime


class AgreementDetailOut(AgreementOut):
    renewal_months: int
    renewals: int
    in_force_at: datetime | None
    terminated_on: date | None
    predecessor_id: int | None = Field(..., description="The agreement it renews")
    parties: list[PartyOut]
    versions: list[VersionSummaryOut] = Field(..., description="Newest first")


class ChangedClauseOut(Schema):
    key: str
    heading: str
    before: str | None = Field(..., description="Filled text in the previous version")
    after: str | None = Field(..., description="Filled text in this version")


class DocumentsOut(Schema):
    pdf: str
    docx: str


class VersionOut(Schema):
    id: int
    agreement_id: int
    number: int
    current: bool = Field(..., description="The latest version (the one to sign)")
    note: str
    created_at: datetime
    digest: str = Field(..., description="SHA-256 of the snapshot in canonical JSON")
    snapshot: dict = Field(
        ...,
        description="What was agreed: kind, title, region, term, parties, clauses (clause "
        "version, text as edited, text filled) and the data filled in",
    )
    changed_clauses: list[ChangedClauseOut] = Field(
        ..., description="Clauses whose filled text differs from the previous version's"
    )
    signatures: list[SignatureOut] = Field(..., description="Also the voided ones")
    documents: DocumentsOut


class Unchanged(Schema):
    changed: Literal[False]


class AgreementIn(Input):
    kind: TemplateKind
    family_centre_id: BodyId | None = Field(
        None, description="A family centre of the region; required for its agreement"
    )
    party_ids: list[BodyId] = Field(
        ...,
        max_length=MAX_PARTIES,
        description="Institutions of the region or whose district covers it; the template's "
        "party kinds, each at least once",
    )
    starts_on: Day
    ends_on: Day = Field(..., description="After the start, at most 10 years")
    renews_automatically: StrictBool = False
    renewal_months: RenewalMonths = 12
    title: Text(200) = Field("", description="Empty: the template's title")


class VersionIn(Input):
    """Changed clause texts (by key) and term; those not sent keep their values."""

    texts: dict[ClauseKey, ClauseText] = Field(default_factory=dict, max_length=50)
    starts_on: Day = None
    ends_on: Day = None
    renews_automatically: StrictBool = None
    renewal_months: RenewalMonths = None
    note: Text(200) = ""


class SignIn(Input):
    version_id: BodyId = Field(..., description="The current version")
    party_id: BodyId = Field(..., description="A party of the agreement: your institution")


class TerminateIn(Input):
    on: Day = Field(..., description="Not before the start")


class RenewalIn(Input):
    starts_on: Day
    ends_on: Day


# Lookups: what lies outside the caller's reach does not exist (404)


def _see(access: Access, record):
    if not access.has(SEE, record):
        raise Http404
    return record


def api_agreement(access: Access, agreement_id: int) -> Agreement:
    agreement = get_object_or_404(
        Agreement.objects.filter(region_id__in=access.region_ids).select_related(
            "region", "family_centre"
        ),
        pk=agreement_id,
    )
    return _see(access, agreement)


def api_version(access: Access, version_id: int) -> AgreementVersion:
    version = get_object_or_404(
        AgreementVersion.objects.filter(agreement__region_id__in=access.region_ids).select_related(
            "agreement__region"
        ),
        pk=version_id,
    )
    return _see(access, version)


def api_clause(access: Access, clause_id: int) -> Clause:
    """The state's clause or a variant of one of the caller's regions."""
    clause = get_object_or_404(
        Clause.objects.filter(Q(region__isnull=True) | Q(region_id__in=access.region_ids)),
        pk=clause_id,
    )
    if clause.region_id is not None:
        _see(access, clause)
    return clause


# Output


def clause_version_out(version) -> dict | None:
    if version is None:
        return None
    return {
        "id": version.pk,
        "clause_id": version.clause_id,
        "number": version.number,
        "text": version.text,
        "note": version.note,
        "created_at": version.created_at,
    }


def clause_out(clause: Clause, region_keys: dict[int, str]) -> dict:
    versions = clause.versions.all()  # prefetched, newest first
    return {
        "id": clause.pk,
        "key": clause.key,
        "heading": clause.heading,
        "position": clause.position,
        "region": region_keys.get(clause.region_id),
        "latest": clause_version_out(versions[0] if versions else None),
    }


def agreement_out(agreement: Agreement, today: date, version: int | None) -> dict:
    status = agreement.status_on(today)
    return {
        "id": agreement.pk,
        "region": agreement.region.key,
        "kind": agreement.kind,
        "title": agreement.title,
        "family_centre_id": agreement.family_centre_id,
        "family_centre": agreement.family_centre.name if agreement.family_centre else None,
        "status": status,
        "status_label": str(STATUS_LABELS[status]),
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
        "renews_automatically": agreement.renews_automatically,
        "renewal_months": agreement.renewal_months,
        "version": version,
    }


def signature_out(signature: Signature) -> dict:
    return {
        "id": signature.pk,
        "version_id": signature.version_id,
        "party_id": signature.party_id,
        "institution": signature.party.institution.name,
        "method": signature.method,
        "signer_name": signature.signer_name,
        "signer_function": signature.signer_function,
        "signed_at": signature.signed_at,
        "digest": signature.digest,
        "voided_at": signature.voided_at,
    }


def agreement_detail(agreement: Agreement) -> dict:
    versions = list(agreement.versions.order_by("-number"))
    current = versions[0] if versions else None
    signatures = {}
    if current is not None:
        for signature in Signature.objects.filter(
            version=current, voided_at__isnull=True
        ).select_related("party__institution"):
            signatures[signature.party_id] = signature_out(signature)
    parties = agreement.parties.select_related("institution")
    return agreement_out(agreement, timezone.localdate(), current and current.number) | {
        "renewal_months": agreement.renewal_months,
        "renewals": agreement.renewals,
        "in_force_at": agreement.in_force_at,
        "terminated_on": agreement.terminated_on,
        "predecessor_id": agreement.predecessor_id,
        "parties": [
            {
                "id": party.pk,
                "institution_id": party.institution_id,
                "name": party.institution.name,
                "kind": party.institution.kind,
                "signed": party.pk in signatures,
                "signature": signatures.get(party.pk),
            }
            for party in parties
        ],
        "versions": [
            {
                "id": version.pk,
                "number": version.number,
                "note": version.note,
                "digest": version.digest,
                "created_at": version.created_at,
            }
            for version in versions
        ],
    }


def changed_clauses(snapshot: dict, previous: dict | None) -> list[dict]:
    if previous is None:
        return []
    return [
        {"key": key, "heading": heading, "before": old, "after": new}
        for key, heading, old, new in selectors.clause_pairs(previous, snapshot)
        if old != new
    ]


def version_out(version: AgreementVersion) -> dict:
    numbers = version.agreement.versions.aggregate(latest=Max("number"))
    previous = (
        version.agreement.versions.filter(number__lt=version.number).order_by("-number").first()
    )
    signatures = version.signatures.select_related("party__institution").order_by(
        "party__position", "signed_at"
    )
    return {
        "id": version.pk,
        "agreement_id": version.agreement_id,
        "number": version.number,
        "current": version.number == numbers["latest"],
        "note": version.note,
        "created_at": version.created_at,
        "digest": version.digest,
        "snapshot": version.snapshot,
        "changed_clauses": changed_clauses(version.snapshot, previous and previous.snapshot),
        "signatures": [signature_out(signature) for signature in signatures],
        "documents": {fmt: DOCUMENT_URL.format(fmt=fmt, id=version.pk) for fmt in ("pdf", "docx")},
    }


# The clause library


@router.get("/agreements/templates", response=TemplatesOut)
def list_templates(request, filters: Query[TemplateFilter]):
    """The two templates with the state's clauses, each with its latest version, and the
    placeholders a clause may hold. With ``region`` (one of yours; else 422 at ``region``),
    each clause also shows that region's variant."""
    access = api_access(request)
    region = visible_region(access, filters.region)  # not one of yours: 422 at region
    clauses = Clause.objects.filter(
        Q(region__isnull=True) | Q(region=region) if region else Q(region__isnull=True)
    ).prefetch_related("versions")
    region_keys = {region.pk: region.key} if region else {}
    variants = {
        (clause.kind, clause.key): clause for clause in clauses if clause.region_id is not None
    }
    templates = []
    for kind in Kind:
        entries = [
            clause_out(clause, region_keys)
            | {
                "region_variant": clause_out(variants[kind, clause.key], region_keys)
                if (kind, clause.key) in variants
                else None
            }
            for clause in sorted(clauses, key=lambda clause: (clause.position, clause.key))
            if clause.kind == kind and clause.region_id is None
        ]
        templates.append(
            {
                "kind": kind,
                "label": str(kind.label),
                "party_kinds": [
                    {"kind": party_kind, "label": str(Institution.Kind(party_kind).label)}
                    for party_kind in PARTY_KINDS[kind]
                ],
                "clauses": entries,
            }
        )
    return {
        "templates": templates,
        "placeholders": [
            {"name": name, "label": str(label)} for name, label in PLACEHOLDERS.items()
        ],
    }


@router.post("/agreements/clauses/{clause_id}/versions", response={201: ClauseVersionOut})
def create_clause_version(request, clause_id: RecordId, payload: ClauseVersionIn):
    """A new version of a clause (the state level: the state's clauses; the coordinator: the
    region's variants). The text may hold only the library's placeholders (else 422 at
    ``text``); an unchanged text is refused. Agreements keep the version they were made
    from."""
    access = api_access(request)
    clause = api_clause(access, clause_id)
    version = call(
        services.save_clause_version,
        access=access,
        clause=clause,
        text=payload.text,
        note=payload.note,
    )
    return Status(201, clause_version_out(version))


@router.post("/regions/{key}/agreements/clauses", response={201: ClauseOut})
def create_region_variant(request, key: RegionKeyPath, payload: RegionVariantIn):
    """The region's own variant of one of the state's clauses (the coordinator): it replaces
    the state's clause in the region's new agreements. One variant per clause and region."""
    access = api_access(request)
    region = permitted_region(access, key, SEE)
    clause = Clause.objects.filter(region__isnull=True, pk=payload.clause_id).first()
    if clause is None:
        raise ValidationFailed({"clause_id": _("Unknown clause or not one of the state's.")})
    variant = call(
        services.add_region_variant,
        access=access,
        clause=clause,
        region=region,
        text=payload.text,
        note=payload.note,
    )
    variant = Clause.objects.prefetch_related("versions").get(pk=variant.pk)
    return Status(201, clause_out(variant, {region.pk: region.key}))


# Agreements


@router.get("/regions/{key}/agreements", response=list[AgreementOut])
@paginate(Page)
def list_agreements(request, key: RegionKeyPath):
    """The region's agreements by template and title, with their status as shown (expiring
    within 90 days of the end, expired after it)."""
    access = api_access(request)
    region = permitted_region(access, key, SEE)
    today = timezone.localdate()
    agreements = (
        Agreement.objects.filter(region=region)
        .select_related("region", "family_centre")
        .annotate(version=Max("versions__number"))
    )
    return [agreement_out(agreement, today, agreement.version) for agreement in agreements]


@router.post("/regions/{key}/agreements", response={201: AgreementDetailOut})
def create_agreement(request, key: RegionKeyPath, payload: AgreementIn):
    """A draft agreement from the template, the region's clause variants where it has them,
    its first version filled with the platform's data (the coordinator). The rules (422 at the
    field): the parties are institutions of the region (or whose district covers it) of the
    template's kinds, one of each at least (the family centre's agreement: its centre is a
    party); the end after the start; every placeholder of the clauses filled (else at
    ``clauses``)."""
    access = api_access(request)
    region = permitted_region(access, key, SEE)
    centre = None
    if payload.family_centre_id is not None:
        centre = Institution.objects.filter(region=region, pk=payload.family_centre_id).first()
        if centre is None:
            raise ValidationFailed(
                {"family_centre_id": _("Unknown family centre or not of this region.")}
            )
    ids = list(dict.fromkeys(payload.party_ids))
    found = Institution.objects.serving(region).in_bulk(ids)
    if len(found) != len(ids):
        raise ValidationFailed({"party_ids": _("Unknown institution or not of this region.")})
    agreement = call(
        services.create_agreement,
        access=access,
        kind=payload.kind,
        region=region,
        parties=[found[pk] for pk in ids],
        family_centre=centre,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        renews_automatically=payload.renews_automatically,
        renewal_months=payload.renewal_months,
        title=payload.title,
    )
    return Status(201, agreement_detail(api_agreement(access, agreement.pk)))


@router.get("/agreements/versions/{version_id}", response=VersionOut)
def get_version(request, version_id: RecordId):
    """A version as agreed: its snapshot and digest, what changed against the previous
    version, every signature (the voided ones with ``voided_at``) and its documents."""
    return version_out(api_version(api_access(request), version_id))


@router.get("/agreements/{agreement_id}", response=AgreementDetailOut)
def get_agreement(request, agreement_id: RecordId):
    """An agreement: its facts, parties with their signature of the current version, and its
    versions."""
    return agreement_detail(api_agreement(api_access(request), agreement_id))


@router.post("/agreements/{agreement_id}/versions", response={201: VersionOut, 200: Unchanged})
def create_version(request, agreement_id: RecordId, payload: VersionIn):
    """Save changed clause texts (by the clause's key) or term, with the platform's current
    data, as a new version (the coordinator; a draft or an agreement in signature — the open
    signatures become void). 201 with the new version; 200 with ``{"changed": false}`` when
    text, term and data equal the latest version's (nothing saved). Unknown clause keys or
    placeholders: 422 at ``texts``."""
    access = api_access(request)
    agreement = api_agreement(access, agreement_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"texts", "note"})
    version = call(
        services.save_version,
        access=access,
        agreement=agreement,
        texts=payload.texts,
        note=payload.note,
        **changes,
    )
    if version is None:
        return Status(200, {"changed": False})
    return Status(201, version_out(api_version(access, version.pk)))


@router.post("/agreements/{agreement_id}/send-for-signature", response=AgreementDetailOut)
def send_for_signature(request, agreement_id: RecordId):
    """A draft goes to its parties for signature (the coordinator)."""
    access = api_access(request)
    agreement = api_agreement(access, agreement_id)
    call(services.send_for_signature, access=access, agreement=agreement)
    return agreement_detail(api_agreement(access, agreement_id))


@router.post("/agreements/{agreement_id}/signatures", response={201: SignatureOut})
def sign(request, agreement_id: RecordId, payload: SignIn):
    """Sign the current version for a party: a person of that institution whose account has
    the right to sign only (else 403, saying why).
    Once every party has signed, the agreement is in force. A superseded version: 422 at
    ``version_id``."""
    access = api_access(request)
    agreement = api_agreement(access, agreement_id)
    version = agreement.versions.filter(pk=payload.version_id).first()
    if version is None:
        raise ValidationFailed({"version_id": _("Not a version of this agreement.")})
    party = (
        Party.objects.filter(agreement=agreement, pk=payload.party_id)
        .select_related("institution")
        .first()
    )
    if party is None:
        raise ValidationFailed({"party_id": _("Not a party of this agreement.")})
    signature = call(
        services.sign, access=access, agreement=agreement, version=version, party=party
    )
    signature = Signature.objects.select_related("party__institution").get(pk=signature.pk)
    return Status(201, signature_out(signature))


@router.post("/agreements/{agreement_id}/terminate", response=AgreementDetailOut)
def terminate(request, agreement_id: RecordId, payload: TerminateIn):
    """Terminate an agreement in force as of a date (the coordinator); it no longer renews."""
    access = api_access(request)
    agreement = api_agreement(access, agreement_id)
    call(services.terminate, access=access, agreement=agreement, on=payload.on)
    return agreement_detail(api_agreement(access, agreement_id))


@router.post("/agreements/{agreement_id}/renewal", response={201: AgreementDetailOut})
def renew(request, agreement_id: RecordId, payload: RenewalIn):
    """A new draft for a new term that takes over the parties and texts (the coordinator; an
    agreement in force or expired, once); the old one counts as renewed once the new one is in
    force."""
    access = api_access(request)
    agreement = api_agreement(access, agreement_id)
    successor = call(
        services.renew,
        access=access,
        agreement=agreement,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return Status(201, agreement_detail(api_agreement(access, successor.pk)))
