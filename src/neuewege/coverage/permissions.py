"""The coverage app's part of the table of permissions (``core.access``)."""

from django.utils.translation import gettext_lazy as _

from neuewege.core.access import OWN_INSTITUTION, PROGRAMME, REGIONS, declare

SEE = declare(
    "coverage.see",
    _("See the region's demand of family centres and its speakers"),
    state=REGIONS,
    coordinator=REGIONS,
    staff=REGIONS,
    viewer=REGIONS,
)
REQUEST = declare(
    "coverage.request",
    _("Enter a family centre's requests for events (staff: of their own family centre)"),
    applies={"kind": "family_centre"},
    coordinator=REGIONS,
    staff=OWN_INSTITUTION,
)
PLAN = declare(
    "coverage.plan",
    _("Keep the speakers' capacities and plan the coverage of the region"),
    state=REGIONS | PROGRAMME,
    coordinator=REGIONS,
)
IMPORT = declare(
    "coverage.import",
    _("Import the family centres' requests of the region from a file"),
    coordinator=REGIONS,
)
