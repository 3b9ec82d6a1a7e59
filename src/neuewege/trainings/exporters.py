"""The files of the trainings, declared for the one download path of ``core.exporters``: the
tables of the overview (figures only, no personal data) of a region and of every region, as
CSV and XLSX. ``table`` names the table (default: the first)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from neuewege.core import exporters
from neuewege.core.access import STATE_FIGURES
from neuewege.core.documents import TABLE_FORMATS, table
from neuewege.core.errors import NotFound
from neuewege.core.exporters import Document, Exporter, Target

from . import figures
from .permissions import SEE

REGION_TABLES = ("held", "participants", "coverage", "speakers")
STATE_TABLES = ("regions", *REGION_TABLES)


def _chosen(params, tables) -> str:
    name = str(params.get("table", "") or tables[0])
    if name not in tables:
        raise NotFound({"table": "no such table"})
    return name


def _held(data: figures.Figures):
    header = [_("Year"), _("Module"), _("Trainings held")]
    return header, [[row.year, row.module, row.trainings] for row in data.held]


def _participants(data: figures.Figures):
    header = [_("Kind of institution"), _("Participants")]
    return header, [[str(label), count] for label, count in data.participant_rows]


def _coverage(data: figures.Figures):
    header = [_("Kind of institution"), _("With trained staff"), _("Institutions"), _("Percent")]
    return header, [
        [str(item.label), item.share.trained, item.share.total, item.share.percent]
        for item in data.coverage
    ]


def _speakers(data: figures.Figures, *, by_kind: bool):
    first = [_("Kind of institution")] if by_kind else [_("Institution"), _("Kind of institution")]
    header = [*first, *(str(code.label) for code in figures.FORMATS), _("Speakers")]
    return header, [
        [row.name, *([] if by_kind else [str(row.kind_label)]), *row.by_format, row.people]
        for row in data.speakers
    ]


def _regions(state: figures.StateFigures):
    header = [_("Region"), _("Key"), _("Trainings held"), _("Participants")]
    for kind in figures.COVERED_KINDS:
        label = figures.Kind(kind).label
        header += [
            _("%(kind)s with trained staff") % {"kind": label},
            _("%(kind)s in total") % {"kind": label},
        ]
    header.append(_("Qualified speakers"))

    def shares(coverage):
        return [number for share in coverage for number in (share.trained, share.total)]

    rows = [
        [
            row.region.name,
            row.region.key,
            row.held,
            row.participants,
            *shares(row.coverage),
            row.speakers,
        ]
        for row in state.rows
    ]
    total = state.total
    rows.append(
        [
            _("North Rhine-Westphalia"),
            "",
            total.held_total,
            total.participants_total,
            *shares(state.coverage_totals),
            total.speakers_total,
        ]
    )
    return header, rows


TITLES = {
    "regions": gettext_lazy("Regions"),
    "held": gettext_lazy("Trainings held"),
    "participants": gettext_lazy("Participants"),
    "coverage": gettext_lazy("Trained staff"),
    "speakers": gettext_lazy("Qualified speakers"),
}


def _rows(data: figures.Figures, name: str, *, by_kind=False):
    if name == "speakers":
        return _speakers(data, by_kind=by_kind)
    return {"held": _held, "participants": _participants, "coverage": _coverage}[name](data)


def _region(access, params) -> Target:
    region = exporters.region_of(access, params)
    return Target(region_id=region.pk, data=(region, _chosen(params, REGION_TABLES)))


def _region_file(target: Target, fmt: str) -> Document:
    region, name = target.data
    header, rows = _rows(figures.region_figures(region), name)
    content = table(header, rows, fmt, title=str(TITLES[name]))
    return Document(content, f"fortbildungen-{region.key}-{name}.{fmt}")


def _state(access, params) -> Target:
    return Target(data=_chosen(params, STATE_TABLES))


def _state_file(target: Target, fmt: str) -> Document:
    name, state = target.data, figures.state_figures()
    if name == "regions":
        header, rows = _regions(state)
    else:
        header, rows = _rows(state.total, name, by_kind=True)
    content = table(header, rows, fmt, title=str(TITLES[name]))
    return Document(content, f"fortbildungen-nrw-{name}.{fmt}")


REGION_OVERVIEW = Exporter(
    name="training-overview",
    label=gettext_lazy("Figures of a region's trainings"),
    formats=TABLE_FORMATS,
    find=_region,
    permission=SEE,
    produce=_region_file,
)
STATE_OVERVIEW = Exporter(
    name="training-state-overview",
    label=gettext_lazy("Figures of the trainings in every region"),
    formats=TABLE_FORMATS,
    find=_state,
    permission=STATE_FIGURES,
    produce=_state_file,  # a few aggregate queries: quick, made at once
)


def register():
    for declared in (REGION_OVERVIEW, STATE_OVERVIEW):
        exporters.register(declared)
