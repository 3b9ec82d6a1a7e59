"""The agreements app's part of the permission matrix (tests/test_permission_matrix.py): the
records of region A its URLs point at. URL names follow the record their ``pk`` is:
``agreement-…`` a centre agreement of family centre A in signature (staff_a signs for the
centre), ``agreement-version-detail`` its version, ``clause-edit`` region A's variant of a
clause, ``clause-variant`` the state's clause it varies."""


def add_agreement_world(world, *, region, centre_a, secret):
    from datetime import date

    from neuewege.agreements import services
    from neuewege.agreements.models import Clause
    from neuewege.core.access import system_access
    from neuewege.core.models import Institution
    from tests.factories import InstitutionFactory, PersonFactory

    job_centre = InstitutionFactory(
        region=region, kind=Institution.Kind.JOB_CENTRE, name=f"Jobcenter V {secret}"
    )
    agency = InstitutionFactory(
        region=region, kind=Institution.Kind.EMPLOYMENT_AGENCY, name=f"Agentur V {secret}"
    )
    PersonFactory(institution=job_centre, function="bca", last_name=secret)
    state_clause = Clause.objects.get(kind="family_centre", key="veranstaltungen", region=None)
    access = system_access()
    variant = services.add_region_variant(
        access=access,
        clause=state_clause,
        region=region,
        text="Im Familienzentrum {{familienzentrum}} finden Veranstaltungen statt. " + secret,
    )
    agreement = services.create_agreement(
        access=access,
        kind="family_centre",
        region=region,
        family_centre=centre_a,
        parties=[job_centre, agency],
        starts_on=date(2027, 1, 1),
        ends_on=date(2028, 12, 31),
        title=f"Kooperationsvereinbarung {secret}",
    )
    services.send_for_signature(access=access, agreement=agreement)
    version = agreement.versions.get()
    world["pk_for"].update(
        {
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
    return {"agreement": agreement, "version": version, "variant": variant}
