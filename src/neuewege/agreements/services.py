"""Every write of the agreements app: the clause library, agreements and their versions,
signatures, paper copies, termination and renewal. Keyword-only, one durable transaction at
the outermost call, ``ValidationFailed`` / ``PermissionDenied`` naming the clause or field.

A version's **snapshot** (JSON) is what was agreed: the facts (title, term, renewal), the
parties, each clause with the clause version it came from, its text as edited for this
agreement and that text filled with the platform's data, and the data itself. Its
``digest`` is the SHA-256 of the snapshot in canonical JSON; a signature names it.
"""

import hashlib
import json
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from neuewege.core.access import Access
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import Institution, Region

from . import filling
from .library import PLACEHOLDERS
from .models import (
    AGREEMENT_LANGUAGE,
    PARTY_KINDS,
    Agreement,
    AgreementVersion,
    Clause,
    ClauseVersion,
    Kind,
    PaperCopy,
    Party,
    Signature,
)
from .permissions import CLAUSES, DRAFT, signing_refusal

MAX_TERM_YEARS = 10
MAX_CLAUSE_CHARS = 10_000
MAX_RENEWAL_MONTHS = 60  # the model's validator
EDITABLE = (Agreement.Status.DRAFT, Agreement.Status.SIGNING)


def in_german(text) -> str:
    with translation.override(AGREEMENT_LANGUAGE):
        return str(text())


def _require(access: Access, permission: str, record):
    if not access.has(permission, record):
        raise PermissionDenied(_("Your account may not do this."))


# The clause library


def _clause_text_errors(text: str) -> list[str]:
    text = text.strip()
    if not text:
        return [_("Write the clause's text.")]
    if len(text) > MAX_CLAUSE_CHARS:
        return [_("At most %(count)d characters.") % {"count": MAX_CLAUSE_CHARS}]
    unknown = filling.unknown_placeholders(text)
    if unknown:
        return [
            _("Unknown placeholder %(names)s; known are: %(known)s.")
            % {
                "names": ", ".join(f"{{{{{name}}}}}" for name in unknown),
                "known": ", ".join(f"{{{{{name}}}}}" for name in PLACEHOLDERS),
            }
        ]
    return []


def save_clause_version(*, access: Access, clause: Clause, text: str, note: str = ""):
    """A new version of a clause of the library (the old one stays as it was)."""
    _require(access, CLAUSES, clause)
    errors = _clause_text_errors(text)
    if errors:
        raise ValidationFailed({"text": errors})
    with transaction.atomic(durable=True):
        clause = Clause.objects.select_for_update().get(pk=clause.pk)
        if clause.latest and clause.latest.text == text.strip():
            raise ValidationFailed({"text": _("The text is unchanged.")})
        number = (clause.versions.aggregate(Max("number"))["number__max"] or 0) + 1
        return ClauseVersion.objects.create(
            clause=clause,
            number=number,
            text=text.strip(),
            note=note.strip()[:200],
            created_by=access.user,
        )


def add_region_variant(*, access: Access, clause: Clause, region, text: str, note: str = ""):
    """A region's own variant of one of the state's clauses: it replaces it in the region's
    new agreements."""
    if clause.region_id is not None:
        raise ValidationFailed({None: _("A variant is made of one of the state's clauses.")})
    _require(access, CLAUSES, region)
    errors = _clause_text_errors(text)
    if errors:
        raise ValidationFailed({"text": errors})
    with transaction.atomic(durable=True):
        # the state's clause locked: two variants at once find each other, not the constraint
        clause = Clause.objects.select_for_update().get(pk=clause.pk)
        if Clause.objects.filter(kind=clause.kind, key=clause.key, region=region).exists():
            raise ValidationFailed({None: _("The region already has its variant of this clause.")})
        variant = Clause.objects.create(
            kind=clause.kind,
            key=clause.key,
            region=region,
            position=clause.position,
            heading=clause.heading,
        )
        ClauseVersion.objects.create(
            clause=variant,
            number=1,
            text=text.strip(),
            note=note.strip()[:200],
            created_by=access.user,
        )
    return variant


def template_clauses(kind: str, region) -> list[ClauseVersion]:
    """The latest version of each clause of the template, the region's variant where it has
    one, in order."""
    clauses = {}
    for clause in Clause.objects.filter(Q(region=region) | Q(region__isnull=True), kind=kind):
        if clause.key not in clauses or clause.region_id is not None:
            clauses[clause.key] = clause
    ordered = sorted(clauses.values(), key=lambda clause: (clause.position, clause.key))
    return [clause.latest for clause in ordered if clause.latest is not None]


# Agreements


def _party_errors(kind, region, centre, parties) -> dict:
    errors = {}
    wanted = PARTY_KINDS[kind]
    serving = set(Institution.objects.serving(region).values_list("pk", flat=True))
    wrong = [
        institution.name
        for institution in parties
        if institution.pk not in serving or institution.kind not in wanted
    ]
    if wrong:
        errors["parties"] = [
            _("%(names)s: not a party of this agreement — the parties are %(kinds)s of %(region)s.")
            % {
                "names": ", ".join(wrong),
                "kinds": ", ".join(str(Institution.Kind(k).label) for k in wanted),
                "region": region.name,
            }
        ]
        return errors
    missing = [k for k in wanted if not any(i.kind == k for i in parties)]
    if kind == Kind.FAMILY_CENTRE:
        missing = [k for k in missing if k != Institution.Kind.FAMILY_CENTRE]
        if [i for i in parties if i.kind == Institution.Kind.FAMILY_CENTRE and i != centre]:
            errors["parties"] = [_("The only family centre among the parties is the agreement's.")]
    if missing:
        errors.setdefault("parties", []).append(
            _("Choose a party of each kind: %(kinds)s is missing.")
            % {"kinds": ", ".join(str(Institution.Kind(k).label) for k in missing)}
        )
    return errors


def _renewal_errors(renewal_months) -> dict:
    if (
        isinstance(renewal_months, bool)
        or not isinstance(renewal_months, int)
        or not 1 <= renewal_months <= MAX_RENEWAL_MONTHS
    ):
        return {
            "renewal_months": [
                _("A renewal term of 1 to %(months)d months.") % {"months": MAX_RENEWAL_MONTHS}
            ]
        }
    return {}


def _term_errors(starts_on: date | None, ends_on: date | None) -> dict:
    missing = {
        name: [_("Enter a date.")]
        for name, value in (("starts_on", starts_on), ("ends_on", ends_on))
        if not value
    }
    if missing:
        return missing
    if ends_on <= starts_on:
        return {"ends_on": [_("The end date must come after the start date.")]}
    if (ends_on - starts_on).days > MAX_TERM_YEARS * 366:
        return {"ends_on": [_("At most %(years)d years.") % {"years": MAX_TERM_YEARS}]}
    return {}


def snapshot_of(*, agreement: Agreement, parties, clauses, today=None) -> dict:
    """The snapshot of a version: ``clauses`` are (clause version, text as edited) in order.
    ``ValidationFailed`` names each clause with a placeholder that cannot be filled."""
    with translation.override(AGREEMENT_LANGUAGE):  # format names, functions: in German
        data = filling.data_for(
            kind=agreement.kind,
            region=agreement.region,
            centre=agreement.family_centre,
            parties=parties,
            starts_on=agreement.starts_on,
            ends_on=agreement.ends_on,
            renews=agreement.renews_automatically,
            renewal_months=agreement.renewal_months,
            today=today,
        )
    entries, problems = [], []
    for clause_version, text in clauses:
        clause = clause_version.clause
        try:
            filled = filling.fill(text, data)
        except filling.Unfillable as error:
            problems.append(_clause_problem(clause, error.problems, agreement))
            continue
        entries.append(
            {
                "key": clause.key,
                "heading": clause.heading,
                "clause_version": clause_version.pk,
                "clause_number": clause_version.number,
                "region_variant": clause.region_id is not None,
                "text": text,
                "edited": text != clause_version.text,
                "filled": filled,
            }
        )
    if problems:
        raise ValidationFailed({"clauses": problems})
    used = {name for clause in entries for name in filling.placeholders_in(clause["text"])}
    return {
        "kind": agreement.kind,
        "title": agreement.title,
        "region": {"key": agreement.region.key, "name": agreement.region.name},
        "starts_on": agreement.starts_on.isoformat(),
        "ends_on": agreement.ends_on.isoformat(),
        "renews_automatically": agreement.renews_automatically,
        "renewal_months": agreement.renewal_months,
        "parties": [
            {
                "institution": institution.pk,
                "kind": institution.kind,
                "name": institution.name,
                "address": filling.address(institution),
            }
            for institution in parties
        ],
        "clauses": entries,
        "data": {name: value for name, value in data.items() if name in used},
    }


def _clause_problem(clause: Clause, problems: dict, agreement: Agreement) -> str:
    parts = []
    for name, why in problems.items():
        if why == "unknown":
            parts.append(_("the placeholder {{%(name)s}} is unknown") % {"name": name})
        else:
            parts.append(
                _("{{%(name)s}} (%(what)s) cannot be filled: the platform holds nothing for it")
                % {"name": name, "what": PLACEHOLDERS[name]}
            )
    return _("Clause „%(clause)s“: %(problems)s. Enter the data or change the clause.") % {
        "clause": clause.heading,
        "problems": "; ".join(parts),
    }


def digest_of(snapshot: dict) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _title(kind, region, centre) -> str:
    if kind == Kind.FRAMEWORK:
        return f"Rahmenvereinbarung Arbeitsmarkt/Jugendhilfe {region.name}"
    return f"Kooperationsvereinbarung {centre.name}"


def create_agreement(
    *,
    access: Access,
    kind: str,
    region,
    parties,
    starts_on: date,
    ends_on: date,
    family_centre: Institution | None = None,
    renews_automatically: bool = False,
    renewal_months: int = 12,
    title: str = "",
    predecessor: Agreement | None = None,
) -> Agreement:
    """A draft agreement from the template (the region's variants where it has them), its
    first version filled with the platform's data."""
    _require(access, DRAFT, region)
    parties = list(dict.fromkeys(parties))
    errors = {}
    if kind not in Kind.values:
        raise ValidationFailed({"kind": _("Choose a template.")})
    if kind == Kind.FAMILY_CENTRE:
        if (
            family_centre is None
            or family_centre.kind != Institution.Kind.FAMILY_CENTRE
            or family_centre.region_id != region.pk
        ):
            errors["family_centre"] = [_("Choose a family centre of the region.")]
        elif family_centre not in parties:
            parties.insert(0, family_centre)
    else:
        family_centre = None
    if not errors:
        errors |= _party_errors(kind, region, family_centre, parties)
    errors |= _term_errors(starts_on, ends_on)
    errors |= _renewal_errors(renewal_months)
    if errors:
        raise ValidationFailed(errors)
    order = PARTY_KINDS[kind]
    parties.sort(key=lambda institution: (order.index(institution.kind), institution.name))
    with transaction.atomic(durable=True):
        # one draft at a time per family centre (per region for the framework): a second
        # click on "Draw up" finds the first; the lock on the region orders the two
        Region.objects.select_for_update().filter(pk=region.pk).first()
        draft = Agreement.objects.filter(
            kind=kind, region=region, family_centre=family_centre, status=Agreement.Status.DRAFT
        ).first()
        if draft is not None:
            raise ValidationFailed(
                {
                    None: _("There is a draft already: „%(title)s“. Continue with that one.")
                    % {"title": draft.title}
                }
            )
        if predecessor is not None:
            # two renewals at once: the second finds the first (not the unique constraint)
            predecessor = Agreement.objects.select_for_update().get(pk=predecessor.pk)
            if Agreement.objects.filter(predecessor=predecessor).exists():
                raise ValidationFailed({None: _("A renewal of this agreement exists already.")})
        agreement = Agreement.objects.create(
            kind=kind,
            region=region,
            family_centre=family_centre,
            title=(title.strip() or _title(kind, region, family_centre))[:200],
            starts_on=starts_on,
            ends_on=ends_on,
            renews_automatically=renews_automatically,
            renewal_months=renewal_months,
            predecessor=predecessor,
            created_by=access.user,
        )
        for position, institution in enumerate(parties):
            Party.objects.create(agreement=agreement, institution=institution, position=position)
        if predecessor is not None:
            clauses = _clauses_of(predecessor.versions.first())
        else:
            clauses = [(version, version.text) for version in template_clauses(kind, region)]
        _new_version(
            agreement,
            clauses,
            access=access,
            note=in_german(lambda: _("Drawn up from the template")),
        )
    return agreement


def _clauses_of(version: AgreementVersion):
    """(clause version, text) of each clause of a saved version."""
    ids = [clause["clause_version"] for clause in version.snapshot["clauses"]]
    versions = ClauseVersion.objects.select_related("clause").in_bulk(ids)
    return [
        (versions[clause["clause_version"]], clause["text"])
        for clause in version.snapshot["clauses"]
        if clause["clause_version"] in versions
    ]


def _new_version(agreement, clauses, *, access, note) -> AgreementVersion | None:
    """Save the agreement's text as a new version, unless it equals the latest; void the
    open signatures of older versions."""
    parties = [party.institution for party in agreement.parties.select_related("institution")]
    snapshot = snapshot_of(agreement=agreement, parties=parties, clauses=clauses)
    digest = digest_of(snapshot)
    latest = agreement.versions.first()
    if latest is not None and latest.digest == digest:
        return None
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=(latest.number + 1) if latest else 1,
        snapshot=snapshot,
        digest=digest,
        note=note[:200],
        created_by=access.user,
    )
    Signature.objects.filter(version__agreement=agreement, voided_at__isnull=True).exclude(
        version=version
    ).update(voided_at=timezone.now())
    return version


def _locked(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",))  # PostgreSQL: not the outer join
        .select_related("region", "family_centre")
        .get(pk=agreement.pk)
    )


def save_version(
    *,
    access: Access,
    agreement: Agreement,
    texts: dict[str, str] | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    renews_automatically: bool | None = None,
    renewal_months: int | None = None,
    note: str = "",
    based_on: int | None = None,
) -> AgreementVersion | None:
    """Save changed clause texts (by clause key) or term, and the platform's current data, as
    a new version. None: nothing changed. Signatures of the older version become void.
    ``based_on``: the number of the version the changes were made to — refused when another
    was saved meanwhile (its changes would be undone)."""
    _require(access, DRAFT, agreement)
    texts = texts or {}
    with transaction.atomic(durable=True):
        agreement = _locked(agreement)
        if agreement.status not in EDITABLE:
            raise ValidationFailed(
                {None: _("An agreement in force is not changed: renew it to change its text.")}
            )
        latest = agreement.versions.first()
        if based_on is not None and latest.number != based_on:
            raise ValidationFailed(
                {
                    None: _(
                        "Meanwhile version %(number)d was saved: your changes were not saved, "
                        "so that they do not undo it. Open the agreement again and make them "
                        "on the current text."
                    )
                    % {"number": latest.number}
                }
            )
        clauses = _clauses_of(latest)
        keys = {clause.clause.key for clause, _text in clauses}
        unknown = set(texts) - keys
        if unknown:
            raise ValidationFailed({"texts": _("No such clause: %s") % ", ".join(sorted(unknown))})
        errors = []
        for clause, _text in clauses:
            if clause.clause.key in texts:
                errors += [
                    f"{clause.clause.heading}: {message}"
                    for message in _clause_text_errors(texts[clause.clause.key])
                ]
        if errors:
            raise ValidationFailed({"texts": errors})
        agreement.starts_on = starts_on or agreement.starts_on
        agreement.ends_on = ends_on or agreement.ends_on
        term = _term_errors(agreement.starts_on, agreement.ends_on)
        if renewal_months is not None:
            term |= _renewal_errors(renewal_months)
            agreement.renewal_months = renewal_months
        if term:
            raise ValidationFailed(term)
        if renews_automatically is not None:
            agreement.renews_automatically = renews_automatically
        agreement.save(
            update_fields=[
                "starts_on",
                "ends_on",
                "renews_automatically",
                "renewal_months",
                "updated_at",
            ]
        )
        clauses = [
            (clause, texts[clause.clause.key].strip() if clause.clause.key in texts else text)
            for clause, text in clauses
        ]
        return _new_version(
            agreement, clauses, access=access, note=note.strip() or in_german(lambda: _("Changed"))
        )


def send_for_signature(*, access: Access, agreement: Agreement) -> Agreement:
    _require(access, DRAFT, agreement)
    with transaction.atomic(durable=True):
        agreement = _locked(agreement)
        if agreement.status != Agreement.Status.DRAFT:
            raise ValidationFailed({None: _("Only a draft is sent for signature.")})
        agreement.status = Agreement.Status.SIGNING
        agreement.save(update_fields=["status", "updated_at"])
    return agreement


def _check_signable(agreement: Agreement, version: AgreementVersion):
    if agreement.status != Agreement.Status.SIGNING:
        raise ValidationFailed({None: _("The agreement is not in signature.")})
    if version.agreement_id != agreement.pk:
        raise ValidationFailed({"version": _("Not a version of this agreement.")})
    latest = agreement.versions.first()
    if version.pk != latest.pk:
        raise ValidationFailed(
            {
                "version": _(
                    "Version %(number)d has been superseded by version %(latest)d: "
                    "read and sign the current one."
                )
                % {"number": version.number, "latest": latest.number}
            }
        )


def sign(
    *, access: Access, agreement: Agreement, version: AgreementVersion, party: Party
) -> Signature:
    """The party's simple electronic signature of the current version by the signed-in
    person of that institution with the right to sign (``permissions.signing_refusal``): who,
    when, which version (digest)."""
    if party.agreement_id != agreement.pk:
        raise ValidationFailed({"party": _("Not a party of this agreement.")})
    refusal = signing_refusal(access, party)
    if refusal:
        raise PermissionDenied(refusal)
    with transaction.atomic(durable=True):
        agreement = _locked(agreement)
        _check_signable(agreement, version)
        if Signature.objects.filter(version=version, party=party, voided_at__isnull=True).exists():
            raise ValidationFailed({"party": _("%(party)s has signed already.") % {"party": party}})
        person = access.user.person
        signature = Signature.objects.create(
            version=version,
            party=party,
            method=Signature.Method.ELECTRONIC,
            signed_by=access.user,
            signer_name=f"{person.first_name} {person.last_name}",
            signer_function=in_german(person.get_function_display),
            digest=version.digest,
        )
        _in_force_when_signed(agreement, version)
    return signature


def record_paper_copy(
    *,
    access: Access,
    agreement: Agreement,
    version: AgreementVersion,
    upload,
    parties,
    signed_on: date | None = None,
    signer_names: dict[int, str] | None = None,
) -> PaperCopy:
    """The scanned paper copy of ``version`` (refused unless it is the current one), signed by
    hand for ``parties`` on ``signed_on`` (not in the future; default today). The form checks
    the file's size and type before."""
    _require(access, DRAFT, agreement)
    signed_on = signed_on or timezone.localdate()
    if signed_on > timezone.localdate() or signed_on < version.created_at.date() - timedelta(
        days=1
    ):
        raise ValidationFailed(
            {"signed_on": _("The date it was signed: not before the version, not in the future.")}
        )
    parties = list(dict.fromkeys(parties))  # a party named twice signs once
    if not parties or any(party.agreement_id != agreement.pk for party in parties):
        raise ValidationFailed({"parties": _("Choose the parties who signed this copy.")})
    if not upload or not upload.size:
        raise ValidationFailed({"upload": _("Upload the scanned copy.")})
    with transaction.atomic(durable=True):
        agreement = _locked(agreement)
        _check_signable(agreement, version)
        signed = set(
            Signature.objects.filter(
                version=version, party__in=parties, voided_at__isnull=True
            ).values_list("party__institution__name", flat=True)
        )
        if signed:
            raise ValidationFailed(
                {"parties": _("Signed already: %(names)s.") % {"names": ", ".join(sorted(signed))}}
            )
        copy = PaperCopy.objects.create(
            version=version,
            file=upload,
            filename=upload.name[:200],
            size=upload.size,
            uploaded_by=access.user,
        )
        for party in parties:
            Signature.objects.create(
                version=version,
                party=party,
                method=Signature.Method.PAPER,
                signed_by=access.user,
                signer_name=((signer_names or {}).get(party.pk) or party.institution.name)[:200],
                signed_at=timezone.make_aware(datetime.combine(signed_on, time(12))),
                digest=version.digest,
                paper_copy=copy,
            )
        _in_force_when_signed(agreement, version)
    return copy


def _in_force_when_signed(agreement: Agreement, version: AgreementVersion):
    signed = Signature.objects.filter(version=version, voided_at__isnull=True).count()
    if signed < agreement.parties.count():
        return
    agreement.status = Agreement.Status.IN_FORCE
    agreement.in_force_at = timezone.now()
    agreement.save(update_fields=["status", "in_force_at", "updated_at"])
    if agreement.predecessor_id:
        Agreement.objects.filter(
            pk=agreement.predecessor_id,
            status__in=[Agreement.Status.IN_FORCE, Agreement.Status.EXPIRED],
        ).update(status=Agreement.Status.RENEWED, updated_at=timezone.now())


def terminate(*, access: Access, agreement: Agreement, on: date) -> Agreement:
    """Terminated as of ``on`` (within its term): it no longer renews, and it ends that day —
    at once when the day has come, else the agreement stays in force until then (the due job
    then records it as terminated)."""
    _require(access, DRAFT, agreement)
    with transaction.atomic(durable=True):
        agreement = _locked(agreement)
        if agreement.status != Agreement.Status.IN_FORCE or agreement.terminated_on:
            raise ValidationFailed({None: _("Only an agreement in force is terminated.")})
        if on < agreement.starts_on or on > agreement.ends_on:
            raise ValidationFailed({"on": _("The date must lie within the agreement's term.")})
        agreement.terminated_on = agreement.ends_on = on
        agreement.renews_automatically = False
        if on <= timezone.localdate():
            agreement.status = Agreement.Status.TERMINATED
        agreement.save(
            update_fields=[
                "status",
                "terminated_on",
                "ends_on",
                "renews_automatically",
                "updated_at",
            ]
        )
    return agreement


def discard_draft(*, access: Access, agreement: Agreement):
    _require(access, DRAFT, agreement)
    with transaction.atomic(durable=True):
        agreement = _locked(agreement)
        if agreement.status != Agreement.Status.DRAFT:
            raise ValidationFailed({None: _("Only a draft is discarded.")})
        agreement.delete()


def renew(*, access: Access, agreement: Agreement, starts_on: date, ends_on: date) -> Agreement:
    """A new draft that takes over the parties and texts; the old one counts as renewed once
    the new one is in force."""
    _require(access, DRAFT, agreement)
    if agreement.status not in (Agreement.Status.IN_FORCE, Agreement.Status.EXPIRED):
        raise ValidationFailed({None: _("Only an agreement in force or expired is renewed.")})
    return create_agreement(
        access=access,
        kind=agreement.kind,
        region=agreement.region,
        parties=[party.institution for party in agreement.parties.select_related("institution")],
        family_centre=agreement.family_centre,
        starts_on=starts_on,
        ends_on=ends_on,
        renews_automatically=agreement.renews_automatically,
        renewal_months=agreement.renewal_months,
        title=agreement.title,
        predecessor=agreement,
    )
