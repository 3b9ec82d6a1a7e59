"""The agreements app's part of the permission matrix (tests/test_permission_matrix.py): the
records of region A its URLs point at. The pages: ``agreement-…`` the agreement below,
``agreement-version-detail`` its version, ``clause-edit`` region A's variant, ``clause-variant``
the state's clause without one (with region A's key); ``centre-evidence`` family centre A.

The API (agreements/api.py): a family centre agreement of family centre A in signature (its
job centre and employment agency have signed version 1, family centre A has not), region A's
variant of a state clause (its text holds the secret), and a state clause without a variant.
Everyone who sees region A's agreements reads them (else 404); the templates (the state's
clauses) every account. The coordinator drafts and changes (a new version of the agreement in
signature, a new agreement, a version of region A's variant, a variant of the state clause);
staff_a signs for family centre A — after which the agreement is in force. Sending for
signature, renewal and termination do not fit the agreement's state in this walk: their
writers are not checked for 2xx here (tests/agreements/test_api.py does), all others get 4xx.
"""

from tests.matrix_roles import COORD_A, READ_A, Writers

AGREEMENTS_API = {
    ("GET", "/api/v1/agreements/templates"): "list",
    ("POST", "/api/v1/agreements/clauses/{clause_id}/versions"): Writers(COORD_A),
    ("POST", "/api/v1/regions/{key}/agreements/clauses"): Writers(COORD_A),
    ("GET", "/api/v1/regions/{key}/agreements"): READ_A,
    ("POST", "/api/v1/regions/{key}/agreements"): Writers(COORD_A),
    ("GET", "/api/v1/agreements/{agreement_id}"): READ_A,
    ("GET", "/api/v1/agreements/versions/{version_id}"): READ_A,
    ("POST", "/api/v1/agreements/{agreement_id}/versions"): Writers(COORD_A),
    ("POST", "/api/v1/agreements/{agreement_id}/send-for-signature"): Writers(COORD_A),
    ("POST", "/api/v1/agreements/{agreement_id}/signatures"): Writers({"staff_a"}),
    ("POST", "/api/v1/agreements/{agreement_id}/renewal"): Writers(COORD_A),
    ("POST", "/api/v1/agreements/{agreement_id}/terminate"): Writers(COORD_A),
}
AGREEMENTS_API_BODIES = {
    ("POST", "/api/v1/agreements/clauses/{clause_id}/versions"): {
        "text": "Eingeschleust für {{region}}.",
        "note": "geprüft",
    },
    ("POST", "/api/v1/regions/{key}/agreements/clauses"): {
        "clause_id": "{state_clause_id}",
        "text": "Eingeschleust für {{region}}.",
    },
    ("POST", "/api/v1/regions/{key}/agreements"): {
        "kind": "family_centre",
        "family_centre_id": "{agreement_centre_id}",
        "party_ids": ["{agreement_job_centre_id}", "{agreement_agency_id}"],
        "starts_on": "2090-01-01",
        "ends_on": "2091-12-31",
    },
    ("POST", "/api/v1/agreements/{agreement_id}/versions"): {
        "texts": {"leistungen": "Eingeschleust für {{region}}."},
    },
    ("POST", "/api/v1/agreements/{agreement_id}/signatures"): {
        "version_id": "{version_id}",
        "party_id": "{agreement_party_id}",
    },
}
# Valid bodies of routes whose writers this walk does not check (see above): the others are
# refused for who they are, not for the body.
AGREEMENTS_API_UNCHECKED_BODIES = {
    ("POST", "/api/v1/agreements/{agreement_id}/send-for-signature"): {},
    ("POST", "/api/v1/agreements/{agreement_id}/renewal"): {
        "starts_on": "2092-01-01",
        "ends_on": "2093-12-31",
    },
    ("POST", "/api/v1/agreements/{agreement_id}/terminate"): {"on": "2091-06-30"},
}


# Every page of the agreements app that takes a POST, with a valid body (so that a refusal is
# for who posts, not for what): who may write there — None: whom the table of permissions lets
# open the page (roles_granted); the signing page is open to every reader, but only the
# account of a party that has not signed yet (staff_a, for family centre A) signs. Everyone
# else gets the login page, 403 or 404 — on the signing page a reader of region A is sent
# back to the agreement ("nothing for you to sign") — and nothing changes
# (tests/test_permission_matrix.py: test_agreement_pages_refuse_writes_of_every_other_role).
AGREEMENTS_WRITE_PAGES = {
    "agreement-create": None,
    "agreement-edit": None,
    "agreement-send": None,
    "agreement-sign": Writers({"staff_a"}),
    "agreement-paper": None,
    "agreement-terminate": None,
    "agreement-renew": None,
    "agreement-discard": None,
    "clause-edit": None,
    "clause-variant": None,
}


def agreements_write_body(name, world):
    """A valid body of the page ``name`` in the matrix's world (a fresh upload each time)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    ids = world["api_ids"]
    term = {"starts_on": "2090-01-01", "ends_on": "2091-12-31", "renewal_months": "12"}
    text = {"text": "Eingeschleust für {{region}}.", "note": "geprüft"}
    bodies = {
        "agreement-create": term
        | {
            "kind": "family_centre",
            "family_centre": ids["{agreement_centre_id}"],
            "parties": [ids["{agreement_job_centre_id}"], ids["{agreement_agency_id}"]],
        },
        "agreement-edit": term
        | {"based_on": "1", "note": "geprüft"}
        | {f"clause_{key}": "Eingeschleust." for key in world["agreement_clause_keys"]},
        "agreement-send": {},
        "agreement-sign": {"version": ids["{version_id}"]},
        "agreement-paper": {
            "file": SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n"),
            "parties": [ids["{agreement_party_id}"]],
            "signed_on": timezone.localdate().isoformat(),
            "version": ids["{version_id}"],
        },
        "agreement-terminate": {"on": "2091-06-30"},
        "agreement-renew": {"starts_on": "2092-01-01", "ends_on": "2093-12-31"},
        "agreement-discard": {},
        "clause-edit": text,
        "clause-variant": text,
    }
    return bodies[name]


def agreements_records():
    """What a refused write must leave as it was."""
    from neuewege.agreements.models import (
        Agreement,
        AgreementVersion,
        Clause,
        ClauseVersion,
        PaperCopy,
        Signature,
    )

    return {
        "agreements": list(Agreement.objects.order_by("pk").values_list("pk", "status", "ends_on")),
        "versions": AgreementVersion.objects.count(),
        "signatures": list(Signature.objects.order_by("pk").values_list("pk", "voided_at")),
        "clauses": Clause.objects.count(),
        "clause_versions": ClauseVersion.objects.count(),
        "paper_copies": PaperCopy.objects.count(),
    }


def add_agreements_world(world, *, region, centre_a, secret):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from neuewege.agreements import services
    from neuewege.agreements.models import Clause, Kind, PaperCopy, Signature
    from neuewege.core.access import system_access
    from neuewege.core.models import Institution, Person
    from neuewege.events.models import ParentEvent
    from tests.factories import InstitutionFactory, PersonFactory, make_event

    access = system_access()
    if not ParentEvent.objects.filter(family_centre=centre_a).exists():
        make_event(centre_a, status="draft", title="Entwurf A")  # the centre's events to fill in
    job_centre = InstitutionFactory(
        region=region, kind=Institution.Kind.JOB_CENTRE, name="Jobcenter Vereinbarung A"
    )
    agency = InstitutionFactory(
        region=region, kind=Institution.Kind.EMPLOYMENT_AGENCY, name="Agentur Vereinbarung A"
    )
    PersonFactory(institution=agency, function=Person.Function.BCA)  # the speaker filled in
    leistungen = Clause.objects.get(kind=Kind.FAMILY_CENTRE, key="leistungen", region=None)
    variant = services.add_region_variant(
        access=access, clause=leistungen, region=region, text=f"{secret}: {{{{region}}}}."
    )
    state_clause = Clause.objects.get(kind=Kind.FRAMEWORK, key="ziel", region=None)
    agreement = services.create_agreement(
        access=access,
        kind=Kind.FAMILY_CENTRE,
        region=region,
        family_centre=centre_a,
        parties=[job_centre, agency],
        starts_on=_in_years(0),
        ends_on=_in_years(2),
    )
    services.send_for_signature(access=access, agreement=agreement)
    version = agreement.versions.get()
    parties = {party.institution_id: party for party in agreement.parties.all()}
    for institution in (job_centre, agency):
        Signature.objects.create(
            version=version,
            party=parties[institution.pk],
            method=Signature.Method.ELECTRONIC,
            signer_name=f"Unterschrift {institution.name}",
            digest=version.digest,
        )
    scan = PaperCopy.objects.create(
        version=version,
        file=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 " + secret.encode()),
        filename="scan.pdf",
        size=20,
    )
    world["pk_for"].update(
        {
            "paper-copy-download": scan.pk,
            "agreement-detail": agreement.pk,
            "agreement-edit": agreement.pk,
            "agreement-send": agreement.pk,
            "agreement-sign": agreement.pk,
            "agreement-paper": agreement.pk,
            "agreement-terminate": agreement.pk,
            "agreement-renew": agreement.pk,
            "agreement-discard": agreement.pk,
            "agreement-version-detail": version.pk,
            "clause-edit": variant.pk,
            "clause-variant": state_clause.pk,
        }
    )
    world["agreement_clause_keys"] = [clause["key"] for clause in version.snapshot["clauses"]]
    world.setdefault("api_ids", {}).update(
        {
            "{agreement_id}": str(agreement.pk),
            "{version_id}": str(version.pk),
            "{clause_id}": str(variant.pk),
            "{state_clause_id}": str(state_clause.pk),
            "{agreement_centre_id}": str(centre_a.pk),
            "{agreement_job_centre_id}": str(job_centre.pk),
            "{agreement_agency_id}": str(agency.pk),
            "{agreement_party_id}": str(parties[centre_a.pk].pk),
        }
    )
    return {"agreement": agreement, "version": version, "variant": variant}


def _in_years(years: int):
    from django.utils import timezone

    today = timezone.localdate()
    return today.replace(year=today.year + years, day=min(today.day, 28))
