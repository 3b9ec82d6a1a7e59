"""The agreements app's part of the table of permissions (``core.access``)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from neuewege.core.access import OWN_INSTITUTION, PROGRAMME, REGIONS, Access, declare

SEE = declare(
    "agreements.see",
    _("See the region's cooperation agreements, their versions and signatures"),
    state=REGIONS | PROGRAMME,
    coordinator=REGIONS,
    staff=REGIONS,
    viewer=REGIONS,
)
DRAFT = declare(
    "agreements.draft",
    _("Draft, change, send for signature, terminate and renew agreements; upload signed copies"),
    coordinator=REGIONS,
)
SIGN = declare(
    "agreements.sign",
    _(
        "Sign an agreement for one's own institution (an account the coordinator has given "
        "the right to sign)"
    ),
    coordinator=OWN_INSTITUTION,
    staff=OWN_INSTITUTION,
)
CLAUSES = declare(
    "agreements.clauses",
    _("Keep the clause library (the state's clauses; a region's variants)"),
    state=PROGRAMME,
    coordinator=REGIONS,
)
EVIDENCE = declare(
    "agreements.evidence",
    _("Download a family centre's evidence for the Gütesiegel (staff: of their own centre)"),
    applies={"kind": "family_centre"},
    state=REGIONS,
    coordinator=REGIONS,
    staff=OWN_INSTITUTION,
)


def of_party(access: Access, party) -> bool:
    """The account is a person of the party's institution, in a role that signs for it."""
    return access.own_person_id is not None and access.has(SIGN, party)


def signing_refusal(access: Access, party) -> str | None:
    """The one rule of who signs for a party (``services.sign``, ``selectors.party_states``):
    a person of the party's institution whose account the coordinator has given the right to
    sign (``User.signs_agreements``: its authorised signatories — the head of the Jobcenter or
    Jugendamt, the agency's management, the family centre's head or provider). None when the
    account may sign, else why not."""
    institution = party.institution.name
    if not of_party(access, party):
        return gettext("Only an authorised signatory of %(institution)s signs for it.") % {
            "institution": institution
        }
    if not access.user.signs_agreements:
        return gettext(
            "Your account may not sign for %(institution)s: only its authorised signatories "
            "(its head or management) sign cooperation agreements. If you are one, ask the "
            "coordinator of the region to give your account the right to sign."
        ) % {"institution": institution}
    return None
