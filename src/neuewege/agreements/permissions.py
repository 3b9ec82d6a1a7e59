"""The agreements app's part of the table of permissions (``core.access``)."""

from django.utils.translation import gettext_lazy as _

from neuewege.core.access import OWN_INSTITUTION, PROGRAMME, REGIONS, declare

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
    _("Sign an agreement for one's own institution"),
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
