"""The navigator's files, declared for the one download path of ``core.exporters``:

- the §4 client sheet (one page for a client's postcode, in the client's language, without
  the direct numbers) and a family centre's Lotsenbroschüre (A4 or A5);
- the directory as an Open Referral HSDS 3.0 tabular datapackage (a ZIP of CSV files and
  ``datapackage.json``): a region's offers for its staff (made at once), and every region's for
  the state level (about 20,000 offers: made in the background) — the offers parents find, the
  same the public reads from the HSDS API (``hsds_api.py``).

None holds personal data: no contact for professionals, no parents' data."""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from neuewege.core import exporters, progress
from neuewege.core.documents import render_pdf
from neuewege.core.errors import NotFound, ValidationFailed
from neuewege.core.exporters import Document, Exporter, Invalid, Target

from . import brochure, childcare
from .hsds import export
from .permissions import BROCHURE, CHILDCARE, EXPORT, EXPORT_STATE
from .selectors import DEFAULT_RADIUS_KM, RADII_KM

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


def language_of(params) -> str:
    language = str(params.get("language") or "de")
    if language not in LANGUAGE_CODES:
        raise Invalid(_("Choose one of the languages offered."))
    return language


# The client sheet


def sheet_context(result: childcare.ChildcareResult) -> dict:
    """What the sheet shows a client (public numbers only: the template never reads
    ``internal_phone``)."""
    return {"result": result, "district": result.district, "offers": result.offers[:4]}


def _sheet(access, params) -> Target:
    region = exporters.region_of(access, params)
    language = language_of(params)
    try:
        result = childcare.childcare_search(str(params.get("postcode", "")), for_parents=True)
    except ValidationFailed as error:
        raise Invalid(" ".join(error.messages())) from error
    return Target(region_id=region.pk, data={"result": result, "language": language})


def _sheet_pdf(target: Target, fmt: str) -> Document:
    language, result = target.data["language"], target.data["result"]
    with translation.override(language):
        content = render_pdf("navigator/childcare_sheet_pdf.html", sheet_context(result))
    return Document(content, f"kinderbetreuung-{result.postcode}-{language}.pdf")


SHEET = Exporter(
    name="childcare-sheet",
    label=_("Childcare: sheet for a client"),
    formats=("pdf",),
    find=_sheet,
    permission=CHILDCARE,
    produce=_sheet_pdf,
)


# The Lotsenbroschüre


def family_centre(access, pk):
    centre = access.institutions().family_centres().select_related("region").filter(pk=pk).first()
    if centre is None:
        raise NotFound({"institution": "no family centre of this account's regions"})
    return centre


def _brochure(access, params) -> Target:
    centre = family_centre(access, exporters.number(params, "institution"))
    if not access.has(BROCHURE, centre):
        raise DjangoPermissionDenied
    try:
        radius = int(params.get("radius") or DEFAULT_RADIUS_KM)
    except ValueError:
        radius = 0
    if radius not in RADII_KM:
        raise Invalid(_("Choose one of the distances offered."))
    size = str(params.get("size") or "A4").upper()
    if size not in brochure.SIZES:
        raise Invalid(_("Choose A4 or A5."))
    return Target(
        region_id=centre.region_id,
        data={"centre": centre, "radius_km": radius, "language": language_of(params), "size": size},
        subject=centre,
    )


def brochure_pdf(made: brochure.Brochure) -> bytes:
    with translation.override(made.language):
        return render_pdf("navigator/brochure_pdf.html", {"brochure": made})


def _brochure_pdf(target: Target, fmt: str) -> Document:
    made = brochure.collect(
        target.data["centre"],
        radius_km=target.data["radius_km"],
        language=target.data["language"],
        size=target.data["size"],
    )
    return Document(brochure_pdf(made), made.filename)


BROCHURE_PDF = Exporter(
    name="centre-brochure",
    label=_("Lotsenbroschüre of a family centre"),
    formats=("pdf",),
    find=_brochure,
    permission=BROCHURE,
    produce=_brochure_pdf,
)


# The directory in Open Referral HSDS


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
    for declared in (SHEET, BROCHURE_PDF, REGION_PACKAGE, STATE_PACKAGE):
        exporters.register(declared)
