"""The directory as an Open Referral HSDS 3.0 tabular datapackage (a ZIP of CSV files and
``datapackage.json``), declared for the one download path of ``core.exporters``: a region's
offers for its staff (made at once), and every region's for the state level (about 20,000
offers: made in the background). Public data only — no contact for professionals — and no
parents' data: the offers parents find, the same the public reads from the HSDS API
(``hsds_api.py``)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from neuewege.core import exporters, progress
from neuewege.core.exporters import Document, Exporter, Target

from .hsds import export
from .permissions import EXPORT, EXPORT_STATE


def _region(access, params) -> Target:
    region = exporters.region_of(access, params)
    return Target(region_id=region.pk, data=region)


def _region_package(target: Target, fmt: str) -> Document:
    region = target.data
    services = export.services_of(export.offers(region=region))
    content = export.datapackage(services, title=f"Neue Wege – {region.name}")
    return Document(content, f"hsds-{region.key}-{timezone.localdate():%Y-%m-%d}.zip")


def _state(access, params) -> Target:
    return Target()


def _state_package(target: Target, fmt: str) -> Document:
    services = export.services_of(export.offers(), progress.report)
    content = export.datapackage(services, title="Neue Wege – Nordrhein-Westfalen")
    return Document(content, f"hsds-nrw-{timezone.localdate():%Y-%m-%d}.zip")


REGION_PACKAGE = Exporter(
    name="hsds-datapackage",
    label=_("Offers of the region (Open Referral HSDS datapackage)"),
    formats=("zip",),
    find=_region,
    permission=EXPORT,
    produce=_region_package,
)
STATE_PACKAGE = Exporter(
    name="hsds-datapackage-state",
    label=_("Offers of every region (Open Referral HSDS datapackage)"),
    formats=("zip",),
    find=_state,
    permission=EXPORT_STATE,
    produce=_state_package,
    background=True,  # about 20,000 offers at the state's scale
)


def register():
    for declared in (REGION_PACKAGE, STATE_PACKAGE):
        exporters.register(declared)
