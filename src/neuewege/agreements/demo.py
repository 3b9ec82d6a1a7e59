"""Demo agreements of Kreis Wesel: the framework agreement in force, and centre agreements in
each status — in force (one after a change that voided a first signature), expiring, in
signature (one party signed), a draft, expired, terminated, and one renewed by its successor
(ended, the successor in force). A story for which no centre's agreement can be filled fails
the demo.
Drawn up through the services (the platform's data filled in); the signatures and the dates of
the past are written as they would have been. Deterministic; generated once (None when present
already)."""

from datetime import timedelta

from django.utils import timezone

from neuewege.core.access import system_access
from neuewege.core.errors import ValidationFailed
from neuewege.core.models import Institution, Person, Region

from . import services
from .models import Agreement, Kind, Signature

WESEL = "05170"
# the centre agreements' stories: (status, days since the start, days until the end)
STORIES = [
    ("changed", 330, 400),
    (Agreement.Status.IN_FORCE, 200, 530),
    ("expiring", 680, 45),
    (Agreement.Status.SIGNING, -30, 700),
    (Agreement.Status.DRAFT, -60, 670),
    (Agreement.Status.EXPIRED, 800, -60),
    (Agreement.Status.TERMINATED, 500, 230),
    (Agreement.Status.RENEWED, 760, -30),  # ended a month ago; its successor in force since
]


def _signatory(institution):
    """The person who signs for ``institution``: one whose account has the right to sign,
    else its first person (None: it has no people); and that account, if it has the right."""
    people = list(
        Person.objects.filter(institution=institution).select_related("account").order_by("pk")
    )
    entitled = [
        person
        for person in people
        if getattr(person, "account", None) and person.account.signs_agreements
    ]
    if entitled:
        return entitled[0], entitled[0].account
    return (people[0] if people else None), None


def _sign(agreement, version, when, parties=None):
    """Every party (or those given) signs ``version`` by its signatory, at ``when``."""
    for party in parties or agreement.parties.select_related("institution"):
        person, account = _signatory(party.institution)
        Signature.objects.create(
            version=version,
            party=party,
            method=Signature.Method.ELECTRONIC,
            signed_by=account,
            signer_name=f"{person.first_name} {person.last_name}"
            if person
            else party.institution.name,
            signer_function=services.in_german(person.get_function_display) if person else "",
            signed_at=when,
            digest=version.digest,
        )


def _in_force(agreement, when):
    agreement.status = Agreement.Status.IN_FORCE
    agreement.in_force_at = when
    agreement.save(update_fields=["status", "in_force_at"])


def _draw_up(access, region, centre, parties, today, starts, ends, renews=False):
    return services.create_agreement(
        access=access,
        kind=Kind.FAMILY_CENTRE,
        region=region,
        family_centre=centre,
        parties=parties,
        starts_on=today - timedelta(days=starts),
        ends_on=today + timedelta(days=ends),
        renews_automatically=renews,
    )


def generate_demo_agreements(scale, seed):
    region = Region.objects.filter(key=WESEL).first()
    if region is None or Agreement.objects.filter(region=region).exists():
        return None
    access = system_access()
    today = timezone.localdate()
    now = timezone.now()
    institutions = Institution.objects.filter(region=region).order_by("pk")
    job_centre = institutions.filter(kind=Institution.Kind.JOB_CENTRE).first()
    agency = institutions.filter(kind=Institution.Kind.EMPLOYMENT_AGENCY).first()
    youth_office = institutions.filter(kind=Institution.Kind.YOUTH_WELFARE_OFFICE).first()
    if not (job_centre and agency and youth_office):
        return None
    framework = services.create_agreement(
        access=access,
        kind=Kind.FRAMEWORK,
        region=region,
        parties=[job_centre, agency, youth_office],
        starts_on=today - timedelta(days=400),
        ends_on=today + timedelta(days=700),
        renews_automatically=True,
    )
    framework.status = Agreement.Status.SIGNING
    _sign(framework, framework.versions.first(), now - timedelta(days=405))
    _in_force(framework, now - timedelta(days=405))
    centres = institutions.filter(kind=Institution.Kind.FAMILY_CENTRE).order_by("name")
    try:
        _centre_agreements(access, region, centres, [job_centre, agency], today, now)
    except Exception:
        # nothing half: the next run starts again (the services' transactions are durable,
        # so there is no outer one to roll back)
        Agreement.objects.filter(region=region).delete()
        raise
    return (
        "Agreements of Kreis Wesel: the framework agreement in force, "
        f"{len(STORIES)} centre agreements"
    )


def _centre_agreements(access, region, centres, parties, today, now):
    """One centre per story, in the order of their names: a centre whose agreement cannot be
    filled (no events in the last twelve months or ahead) is passed over for the next one; a
    story with no centre left fails the demo."""
    centres = iter(centres)
    for story, starts, ends in STORIES:
        for centre in centres:
            try:
                agreement = _draw_up(
                    access, region, centre, parties, today, starts, ends, story == "changed"
                )
            except ValidationFailed:
                continue
            _story(access, agreement, today, now, story, starts)
            break
        else:
            raise RuntimeError(
                f"Demo agreements: no family centre of {region.name} left whose agreement can "
                f"be filled from its events, for the story {story!r}"
            )


def _story(access, agreement, today, now, story, starts):
    if story == Agreement.Status.DRAFT:
        return
    services.send_for_signature(access=access, agreement=agreement)
    first = agreement.versions.first()
    signed_at = now - timedelta(days=max(starts, 0) + 5)
    if story == "changed":
        # the family centre signed, then the text was changed: its signature became void
        _sign(agreement, first, signed_at - timedelta(days=10), agreement.parties.all()[:1])
        services.save_version(
            access=access,
            agreement=agreement,
            texts={
                "leistungen": first.snapshot["clauses"][3]["text"]
                + " Die Kinderbetreuung übernehmen zwei Fachkräfte des Familienzentrums."
            },
            note="Kinderbetreuung ergänzt",
        )
    version = agreement.versions.first()
    if story == Agreement.Status.SIGNING:
        _sign(agreement, version, now - timedelta(days=2), agreement.parties.all()[:1])
        return
    _sign(agreement, version, signed_at)
    _in_force(agreement, signed_at)
    if story == Agreement.Status.EXPIRED:
        Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.EXPIRED)
    elif story == Agreement.Status.TERMINATED:
        terminated_on = today - timedelta(days=20)  # it ended that day (services.terminate)
        Agreement.objects.filter(pk=agreement.pk).update(
            status=Agreement.Status.TERMINATED,
            terminated_on=terminated_on,
            ends_on=terminated_on,
            renews_automatically=False,
        )
    elif story == Agreement.Status.RENEWED:
        renewal = services.renew(
            access=access,
            agreement=agreement,
            starts_on=agreement.ends_on + timedelta(days=1),
            ends_on=agreement.ends_on + timedelta(days=731),
        )
        services.send_for_signature(access=access, agreement=renewal)
        renewal_signed = now - timedelta(days=40)  # before the end of the one it renews
        _sign(renewal, renewal.versions.first(), renewal_signed)
        _in_force(renewal, renewal_signed)
        Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.RENEWED)
