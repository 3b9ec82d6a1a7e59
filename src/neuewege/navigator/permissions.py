"""The navigator's part of the table of permissions (``core.access``). Searching the
directory needs no account (``public``); staff of the region see the internal contacts too."""

from django.utils.translation import gettext_lazy as _

from neuewege.core.access import OWN_INSTITUTION, PROGRAMME, REGIONS, declare

SEE_INTERNAL = declare(
    "navigator.see_internal",
    _("Search the region's offers with the contacts for professionals (direct numbers)"),
    state=REGIONS,
    coordinator=REGIONS,
    staff=REGIONS,
    viewer=REGIONS,
)
KEEP = declare(
    "navigator.keep",
    _("Enter, change and confirm offers (staff: their own institution's)"),
    coordinator=REGIONS,
    staff=OWN_INSTITUTION,
)
CHILDCARE = declare(
    "navigator.childcare",
    _("See the Jugendamt's childcare contacts and information (§4) and print client sheets"),
    state=REGIONS,
    coordinator=REGIONS,
    staff=REGIONS,
    viewer=REGIONS,
)
KEEP_CHILDCARE = declare(
    "navigator.keep_childcare",
    _("Keep the Jugendamt's childcare contacts and information (§4)"),
    applies={"kind": "youth_welfare_office"},
    coordinator=REGIONS,
    staff=OWN_INSTITUTION,
)
BROCHURE = declare(
    "navigator.brochure",
    _("Make a family centre's Lotsenbroschüre"),
    applies={"kind": "family_centre"},
    state=REGIONS,
    coordinator=REGIONS,
    staff=OWN_INSTITUTION,
)
EXCHANGE = declare(
    "navigator.exchange",
    _("Import offers from an Open Referral (HSDS) datapackage"),
    coordinator=REGIONS,
)
EXPORT = declare(
    "navigator.export",
    _("Download the region's offers as an Open Referral (HSDS) datapackage"),
    state=REGIONS,
    coordinator=REGIONS,
    staff=REGIONS,
    viewer=REGIONS,
)
EXPORT_STATE = declare(
    "navigator.export_state",
    _("Download every region's offers as an Open Referral (HSDS) datapackage"),
    state=PROGRAMME,
)
