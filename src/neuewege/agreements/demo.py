"""Demo agreements of Kreis Wesel: the framework agreement in force, and centre agreements in
each status — in force (one after a change that voided a first signature), expiring, in
signature (one party signed), a draft, expired, terminated, and one renewed by its successor.
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
    (Agreement.Status.RENEWED, 700, 30),
]


def _sign(agreement, version, when, parties=None):
    """Every party (or those given) signs ``version`` by its first person, at ``when``."""
    for party in parties or agreement.parties.select_related("institution"):
        person = (
            Person.objects.filter(institution=party.institution)
            .select_related("account")
            .order_by("pk")
            .first()
        )
        Signature.objects.create(
            version=version,
            party=party,
            method=Signature.Method.ELECTRONIC,
            signed_by=getattr(person, "account", None) if person else None,
            signer_name=f"{person.first_name} {person.last_name}"
            if person
            else party.institution.name,
            signer_function=person.get_function_display() if person else "",
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
    made = 0
    centres = iter(institutions.filter(kind=Institution.Kind.FAMILY_CENTRE).order_by("name"))
    for story, starts, ends in STORIES:
        for centre in centres:
            try:
                _story(
                    access, region, centre, [job_centre, agency], today, now, story, starts, ends
                )
            except ValidationFailed:
                continue  # a centre without events: its agreement cannot be filled yet
            made += 1
            break
    return f"Agreements of Kreis Wesel: the framework agreement in force, {made} centre agreements"


def _story(access, region, centre, parties, today, now, story, starts, ends):
    agreement = _draw_up(
        access, region, centre, parties, today, starts, ends, renews=story == "changed"
    )
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
        Agreement.objects.filter(pk=agreement.pk).update(
            status=Agreement.Status.TERMINATED, terminated_on=today - timedelta(days=20)
        )
    elif story == Agreement.Status.RENEWED:
        renewal = services.renew(
            access=access,
            agreement=agreement,
            starts_on=agreement.ends_on + timedelta(days=1),
            ends_on=agreement.ends_on + timedelta(days=731),
        )
        services.send_for_signature(access=access, agreement=renewal)
        _sign(renewal, renewal.versions.first(), now - timedelta(days=3))
        _in_force(renewal, now - timedelta(days=3))
        Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.RENEWED)
