"""API routes of the evaluation: the questionnaires, and the aggregated results of a region and
of the state. Never a single response; figures from fewer than five responses come as
``{"value": null, "suppressed": true}``, exactly as the pages show "< 5".

Who gets what, as in the application:

- ``/questionnaires``: every account (the current version of each questionnaire).
- ``/regions/{key}/results``: everyone who may read the region, the state level included
  (aggregates); a region outside the caller's regions answers 404.
- ``/regions/{key}/results/free-texts``: the people of the region only. For the state level
  the parents' words do not exist (404), as the region's cooperation records do not.
- ``/state/results``: the state level (others: 403).
"""

from datetime import date
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from neuewege.core.access import STATE_FIGURES
from neuewege.core.api_types import (
    Id,
    Input,
    RegionKey,
    RegionKeyPath,
    api_access,
    permitted_region,
)
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import EventFormat, Institution, Region

from . import results
from .disclosure import PATTERN, Period
from .models import Audience, Question, Questionnaire
from .permissions import READ_FREE_TEXTS
from .results import Filters

router = Router(tags=["evaluation"])

PeriodKey = Annotated[str, Field(pattern=PATTERN)]


# Questionnaires


class ChoiceOut(Schema):
    code: str
    label: str


class QuestionOut(Schema):
    code: str
    kind: Question.Kind
    text: str
    help_text: str
    required: bool
    min_value: int | None
    max_value: int | None
    shown_if_question: str | None = Field(
        None, description="Shown only when this question's answer includes shown_if_choice"
    )
    shown_if_choice: str
    choices: list[ChoiceOut]

    @staticmethod
    def resolve_shown_if_question(question):
        condition = question.condition_question
        return condition.code if condition is not None else None

    @staticmethod
    def resolve_shown_if_choice(question):
        return question.condition_choice

    @staticmethod
    def resolve_choices(question):
        return [{"code": code, "label": str(label)} for code, label in question.options()]


class QuestionnaireOut(Schema):
    code: str
    version: int
    audience: Audience
    title: str
    intro: str
    published_at: date | None = Field(None, description="Day of publication")
    questions: list[QuestionOut]

    @staticmethod
    def resolve_published_at(questionnaire):
        return questionnaire.published_at.date() if questionnaire.published_at else None

    @staticmethod
    def resolve_questions(questionnaire):
        return questionnaire.questions.all()


@router.get("/questionnaires", response=list[QuestionnaireOut])
def list_questionnaires(request):
    """The current (latest published) version of every questionnaire, with its questions and
    answer options in the request's language."""
    api_access(request)
    latest = {}
    for questionnaire in (
        Questionnaire.objects.published()
        .order_by("code", "-version")
        .prefetch_related("questions__choices", "questions__condition_question")
    ):
        latest.setdefault(questionnaire.code, questionnaire)
    return list(latest.values())


# Results


class ResultFilters(Input):
    period: PeriodKey | None = Field(
        None,
        description="A year (2026), a quarter (2026-Q2) or a month (2026-05), 2000 to 2099; "
        "default: this year. Never a free range, so that two selections cannot be subtracted",
    )
    format: EventFormat | None = None
    family_centre_id: Id | None = Field(None, description="A family centre of the region")


class StateResultFilters(ResultFilters):
    region: RegionKey | None = Field(None, description="Only this region (Kreisschlüssel)")


class FigureOut(Schema):
    value: int | float | None = Field(
        ...,
        description="Count, whole percent or an average (one decimal); null when suppressed",
    )
    suppressed: bool = Field(
        ...,
        description="From fewer than 5 responses, or a wider selection (quarter, year, all "
        "formats, region, state) holds 1 to 4 more: not shown",
    )


class ColumnOut(Schema):
    code: str
    label: str


class RowOut(Schema):
    key: str = Field(
        ...,
        description="Format, step, region key, period of the trend (2026-Q1, 2026-03), "
        "feedback question "
        "(speaker_feedback.setting) or total",
    )
    label: str
    figures: dict[str, FigureOut]


class TableOut(Schema):
    name: str
    title: str
    columns: list[ColumnOut]
    rows: list[RowOut]


class BenchmarkOut(Schema):
    format: EventFormat
    took_step_percent: int


class ResultsOut(Schema):
    region: str | None = Field(..., description="Kreisschlüssel; null: all regions")
    period: str = Field(..., description="2026, 2026-Q2 or 2026-05")
    since: date = Field(..., description="The period's first day")
    until: date = Field(..., description="First day of the period's last month")
    format: EventFormat | None
    family_centre_id: int | None
    min_responses: int
    benchmark: list[BenchmarkOut] = Field(
        ..., description="The programme's published result (share who took a concrete step)"
    )
    benchmark_quote: str
    tables: list[TableOut]


class FreeTextOut(Schema):
    month: date
    audience: Audience = Field(..., description="Who answered")
    format: str = Field(..., description="The format's name")
    question: str
    text: str


class FreeTextsOut(Schema):
    withheld: list[Audience] = Field(
        ...,
        description="Groups with fewer than 5 responses in the selection: no answers of theirs",
    )
    answers: list[FreeTextOut]


def filters_of(params: ResultFilters, region: Region | None) -> Filters:
    """The filters of a request; bad combinations answer 422 with field errors."""
    period = Period.parse(params.period) if params.period else Period.default()
    centre = None
    if params.family_centre_id is not None:
        centre = (
            Institution.objects.family_centres()
            .filter(pk=params.family_centre_id, region=region)
            .first()
            if region is not None
            else None
        )
        if centre is None:
            raise ValidationFailed(
                {"family_centre_id": _("Unknown family centre, or not of the region.")}
            )
    return Filters(
        period=period,
        region=region,
        format=params.format.value if params.format else "",
        family_centre=centre,
    )


def results_out(figures: results.Results) -> dict:
    filters = figures.filters
    return {
        "region": filters.region.key if filters.region else None,
        "period": filters.period.key,
        "since": filters.since,
        "until": filters.until,
        "format": filters.format or None,
        "family_centre_id": filters.family_centre.pk if filters.family_centre else None,
        "min_responses": results.MIN_RESPONSES,
        "benchmark": [
            {"format": code, "took_step_percent": value}
            for code, value in results.BENCHMARK.items()
        ],
        "benchmark_quote": results.BENCHMARK_QUOTE,
        "tables": [table.as_dict() for table in figures.tables().values()],
    }


@router.get("/regions/{key}/results", response=ResultsOut)
def region_results(request, key: RegionKeyPath, params: Query[ResultFilters]):
    """The region's results (the state level reads them too): the tables of the results page,
    aggregates only. Figures may be up to a few minutes old."""
    region = permitted_region(api_access(request), key)
    return results_out(results.results(filters_of(params, region)))


@router.get("/regions/{key}/results/free-texts", response=FreeTextsOut)
def region_free_texts(request, key: RegionKeyPath, params: Query[ResultFilters]):
    """The free-text answers of parents, speakers and family centres in the region, newest month
    first, with the month, the group and the format only; a group's answers only when the
    selection holds at least 5 of its responses. For the people of the region only."""
    access = api_access(request)
    region = permitted_region(access, key, READ_FREE_TEXTS)
    filters = filters_of(params, region)
    texts = results.free_texts(filters)
    return {
        "withheld": texts.withheld,
        "answers": [
            {
                "month": answer.month,
                "audience": answer.audience,
                "format": answer.format,
                "question": answer.question,
                "text": answer.text,
            }
            for answer in texts.answers
        ],
    }


@router.get("/state/results", response=ResultsOut)
def state_results(request, params: Query[StateResultFilters]):
    """The results across the state, with a table of the regions (the state level only)."""
    access = api_access(request)
    if not access.has(STATE_FIGURES):
        raise PermissionDenied(_("Only the state level reads the results of all regions."))
    region = None
    if params.region is not None:
        region = access.regions_by_key.get(params.region)
        if region is None:
            raise ValidationFailed(
                {"region": _("Unknown region: %(key)s") % {"key": params.region}}
            )
    regions = list(access.regions_by_key.values())
    return results_out(results.results(filters_of(params, region), regions=regions))
