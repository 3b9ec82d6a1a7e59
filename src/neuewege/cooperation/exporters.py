"""The files of regional cooperation, declared for the one download path of
``core.exporters``: the state overview as XLSX (figures of every region, the state level's)
and a version of the Regionen-Check as a PDF (the region's people). Neither holds parents'
personal data. The state overview is made in the background (core/exporters.py: long
exports)."""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from neuewege.core import exporters
from neuewege.core.access import STATE_FIGURES
from neuewege.core.documents import table
from neuewege.core.errors import NotFound
from neuewege.core.exporters import Document, Exporter, Target

from . import dashboards, documents, selectors
from .permissions import SEE

STATE_COLUMNS = [
    ("name", gettext_lazy("Region")),
    ("phase", gettext_lazy("Programme phase")),
    ("coverage", gettext_lazy("Family centres with an event (12 months)")),
    ("events", gettext_lazy("Events held (12 months)")),
    ("parents", gettext_lazy("Parents reached (12 months)")),
    ("check", gettext_lazy("Last Regionen-Check")),
    ("group", gettext_lazy("Steering group meets")),
]
STATE_SORT_KEYS = {
    "name": lambda row: row.region.name,
    "phase": lambda row: (row.region.phase or "~", row.region.name),
    "coverage": lambda row: (row.coverage.percent or 0, row.region.name),
    "events": lambda row: (row.events_held, row.region.name),
    "parents": lambda row: (row.parents_reached, row.region.name),
    "check": lambda row: (row.last_check or date.min, row.region.name),
    "group": lambda row: (row.steering_group_active, row.region.name),
}


# The regions table shows those in the programme (a programme phase) or all regions.
STATE_SHOW = {
    "all": gettext_lazy("All regions"),
    "programme": gettext_lazy("In the programme"),
}


def state_show(show: str) -> str:
    """Which regions the table shows; all when unknown."""
    return show if show in STATE_SHOW else "all"


def state_sort(sort: str) -> str:
    """The column to sort by ("-" before it: descending); by name when unknown."""
    return sort if sort.lstrip("-") in STATE_SORT_KEYS else "name"


def shown_rows(rows, show):
    return [row for row in rows if show == "all" or row.in_programme]


def sorted_rows(sort, show="all"):
    rows = dashboards.state_overview()
    rows.sort(key=STATE_SORT_KEYS[sort.lstrip("-")], reverse=sort.startswith("-"))
    return shown_rows(rows, show)


def _state(access, params) -> Target:
    sort = state_sort(str(params.get("sort", "name")))
    return Target(data=(sort, state_show(str(params.get("show", "all")))))


def _state_overview(target: Target, fmt: str) -> Document:
    header = [str(label) for _key, label in STATE_COLUMNS] + [_("Family centres")]
    rows = [
        [
            row.region.name,
            row.region.get_phase_display() if row.region.phase else "",
            row.coverage.covered,
            row.events_held,
            row.parents_reached,
            row.last_check,
            _("yes") if row.steering_group_active else _("no"),
            row.coverage.centres,
        ]
        for row in sorted_rows(*target.data)
    ]
    return Document(table(header, rows, fmt, title=_("Regions")), "neue-wege-regionen.xlsx")


STATE_OVERVIEW = Exporter(
    name="state-overview",
    label=gettext_lazy("All regions at a glance"),
    formats=("xlsx",),
    find=_state,
    permission=STATE_FIGURES,
    produce=_state_overview,
    background=True,  # every region's figures: long at the state's scale
)


def _check(access, params) -> Target:
    region = exporters.region_of(access, params)
    check = selectors.check_version(region, exporters.number(params, "version"))
    if check is None:
        raise NotFound({"version": "no such version"})
    return Target(region_id=region.pk, data=check)


def _check_pdf(target: Target, fmt: str) -> Document:
    check = target.data
    return Document(
        documents.check_pdf(check), f"regionen-check-{check.region.key}-{check.version}.pdf"
    )


REGION_CHECK = Exporter(
    name="region-check",
    label=gettext_lazy("Regionen-Check"),
    formats=("pdf",),
    find=_check,
    permission=SEE,
    produce=_check_pdf,
)


def register():
    for declared in (STATE_OVERVIEW, REGION_CHECK):
        exporters.register(declared)
