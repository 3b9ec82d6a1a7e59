"""Every read of regional cooperation. Callers have checked ``cooperation.see``
for the region (the views' mixin does)."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from difflib import SequenceMatcher
from functools import cached_property

from django.db.models import BooleanField, Case, Q, Value, When
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from neuewege.core.access import Access
from neuewege.core.models import Person, Region
from neuewege.core.start import START_ROWS, first_rows

from . import indicators
from .models import (
    CHECK_FIELDS,
    CHECK_QUESTIONS,
    Material,
    Meeting,
    RegionalGoal,
    RegionCheck,
    SteeringGroup,
    Task,
)

# Materials library


def materials(region: Region | None):
    """The materials a region's library shows: its own and the programme's (``region`` None:
    the programme's only), each with its versions, newest first. Lists filter them with
    ``filters.MaterialFilter``."""
    scope = Q(region__isnull=True) if region is None else Q(region=region) | Q(region__isnull=True)
    return Material.objects.filter(scope).prefetch_related("versions")


def material(access: Access, pk: int) -> Material | None:
    """A material of the programme or of one of the account's regions."""
    found = (
        Material.objects.select_related("region")
        .prefetch_related("versions__uploaded_by")
        .filter(pk=pk)
        .first()
    )
    if found is not None and found.region_id is not None:
        return found if found.region_id in access.region_ids else None
    return found


def material_version(material: Material, number: int):
    return next((version for version in material.versions.all() if version.number == number), None)


def checks(region: Region):
    return region.checks.select_related("created_by").order_by("-version")


def check_version(region: Region, version: int) -> RegionCheck | None:
    return region.checks.filter(version=version).first()


WORD_OR_SPACE = re.compile(r"\s+|\w+|[^\w\s]")


def marked_changes(older: str, newer: str) -> tuple[SafeString, SafeString]:
    """Both texts as HTML, the words only the older has in <del>, those only the newer has in
    <ins>, each with a hidden word for screen readers; line breaks kept."""
    old_words, new_words = WORD_OR_SPACE.findall(older), WORD_OR_SPACE.findall(newer)
    marked_old, marked_new = [], []
    for tag, old_from, old_to, new_from, new_to in SequenceMatcher(
        None, old_words, new_words, autojunk=False
    ).get_opcodes():
        removed, added = "".join(old_words[old_from:old_to]), "".join(new_words[new_from:new_to])
        if tag == "equal":
            marked_old.append(escape(removed))
            marked_new.append(escape(added))
            continue
        if removed:
            marked_old.append(mark(removed, "del", _("removed:")))
        if added:
            marked_new.append(mark(added, "ins", _("added:")))
    return tuple(
        mark_safe("".join(parts).replace("\n", "<br>"))  # noqa: S308 - every part is escaped
        for parts in (marked_old, marked_new)
    )


def mark(words: str, tag: str, announced: str) -> SafeString:
    return format_html(
        '<{tag}><span class="kern-sr-only">{announced} </span>{words}</{tag}>',
        tag=tag,
        announced=announced,
        words=words,
    )


@dataclass(frozen=True)
class CheckDifference:
    name: str
    label: str
    older: str
    newer: str

    @property
    def changed(self):
        return self.older != self.newer

    @cached_property
    def marked(self) -> tuple[SafeString, SafeString]:
        """Both answers with the changed words marked (see ``marked_changes``)."""
        return marked_changes(self.older or "", self.newer or "")


def compare_checks(older: RegionCheck, newer: RegionCheck) -> list[CheckDifference]:
    """Every question of the Check (its guiding question, as the form asks it) with both
    versions' answers, in the form's order."""

    def shown(check, name):
        if name == "elements":
            return "\n".join(check.element_labels())
        if name == "offers":
            return "\n".join(check.offer_labels())
        value = getattr(check, name)
        return value.strftime("%d.%m.%Y") if isinstance(value, date) else value

    return [
        CheckDifference(
            name,
            str(CHECK_QUESTIONS[name]),
            shown(older, name),
            shown(newer, name),
        )
        for name in CHECK_FIELDS
    ]


def unplanned_elements(region_check: RegionCheck) -> list[str]:
    """The elements the Check chose that have no live task in the action plan yet."""
    planned = set(
        Task.objects.filter(region_id=region_check.region_id)
        .exclude(status=Task.Status.DROPPED)
        .values_list("element", flat=True)
    )
    return [code for code in region_check.elements if code not in planned]


def tasks(region: Region, *, today: date | None = None):
    """The action plan: ``is_done`` (said so, or fulfilled by its linked record) and
    ``is_overdue`` (not done, not dropped, past its date) on every task, open ones first.
    Lists filter it with ``filters.TaskFilter``."""
    today = today or timezone.localdate()
    done = Q(status=Task.Status.DONE) | Task.fulfilled()
    return (
        Task.objects.filter(region=region)
        .select_related("owner", "institution", "meeting", "event", "region_check", "decided_in")
        .annotate(
            is_done=Case(When(done, then=Value(True)), default=Value(False)),
            is_overdue=Case(
                When(
                    ~done & ~Q(status=Task.Status.DROPPED) & Q(due_on__lt=today),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("is_done", "due_on", "pk")
    )


def task(region: Region, pk: int) -> Task | None:
    return tasks(region).filter(pk=pk).first()


def meetings(region: Region):
    return region.meetings.order_by("-starts_at")


def meeting(region: Region, pk: int) -> Meeting | None:
    return (
        region.meetings.filter(pk=pk)
        .prefetch_related("attendees__institution", "decisions__owner", "fulfilled_tasks")
        .first()
    )


def next_meeting(region: Region) -> Meeting | None:
    return (
        region.meetings.filter(starts_at__gte=timezone.now(), is_cancelled=False)
        .order_by("starts_at")
        .first()
    )


def people_of(region: Region):
    return Person.objects.filter(institution__region=region).select_related("institution")


def invitation_recipients(region: Region) -> list[Person]:
    """The steering group's members and its coordinator who have an e-mail address."""
    group = region_steering_group(region)
    if group is None:
        return []
    people = {person.pk: person for person in [*group.members.all(), group.coordinator] if person}
    return sorted(
        (person for person in people.values() if person.email),
        key=lambda person: (person.last_name, person.first_name),
    )


def region_steering_group(region: Region) -> SteeringGroup | None:
    return (
        SteeringGroup.objects.filter(region=region)
        .select_related("coordinator__institution")
        .prefetch_related("institutions", "members__institution")
        .first()
    )


@dataclass(frozen=True)
class GoalProgress:
    goal: RegionalGoal
    value: int | None  # None: no value measured yet
    measured_on: date | None

    @property
    def percent(self) -> int | None:
        if self.value is None:
            return None
        return min(100, round(100 * self.value / self.goal.target_value))

    @property
    def unit(self) -> str:
        indicator = indicators.INDICATORS.get(self.goal.indicator)
        return str(indicator.unit) if indicator else self.goal.unit

    @property
    def reached(self):
        return self.value is not None and self.value >= self.goal.target_value


def goals(region: Region, today: date | None = None) -> list[GoalProgress]:
    """The region's goals with their current values: computed figures (one query per figure
    in use) or the latest value entered by hand."""
    today = today or timezone.localdate()
    rows = list(region.goals.prefetch_related("measurements"))
    computed = {
        code: indicators.values(code, [region.id], today)[region.id]
        for code in {goal.indicator for goal in rows if goal.indicator}
    }
    progress = []
    for goal in rows:
        if goal.indicator:
            progress.append(GoalProgress(goal, computed[goal.indicator], today))
        else:
            latest = goal.measurements.all()[:1]
            progress.append(
                GoalProgress(
                    goal,
                    latest[0].value if latest else None,
                    latest[0].measured_on if latest else None,
                )
            )
    return progress


def goal(region: Region, pk: int) -> RegionalGoal | None:
    return region.goals.filter(pk=pk).prefetch_related("measurements").first()


def goal_progress(region: Region, pk: int, today: date | None = None) -> GoalProgress | None:
    """One goal of the region with its current value."""
    return next((row for row in goals(region, today) if row.goal.pk == pk), None)


def has_active_steering_group(region: Region) -> bool:
    return SteeringGroup.objects.filter(region=region, is_active=True).exists()


# The start page's panels (core/start.py): a fixed number of queries each.

DUE_SOON = timedelta(days=14)


def tasks_due(access: Access, region: Region, user) -> dict:
    """Open tasks of the action plan that are overdue or due within two weeks, soonest first,
    and the next meeting of the steering group."""
    today = timezone.localdate()
    due = (
        Task.objects.filter(region=region, due_on__lte=today + DUE_SOON)
        .exclude(Q(status__in=[Task.Status.DONE, Task.Status.DROPPED]) | Task.fulfilled())
        .select_related("owner")
        .only("pk", "title", "due_on", "owner__first_name", "owner__last_name")
        .order_by("due_on", "pk")
    )
    rows, total = first_rows(due)
    for row in rows:
        row.is_overdue = row.due_on < today  # open and not dropped: ``tasks``'s rule
    meeting = (
        region.meetings.filter(
            kind=Meeting.Kind.STEERING_GROUP, starts_at__gte=timezone.now(), is_cancelled=False
        )
        .only("pk", "region_id", "starts_at", "place")
        .order_by("starts_at")
        .first()
    )
    return {"tasks": rows, "total": total, "meeting": meeting, "today": today}


def centres_without_event(access: Access, region: Region, user) -> dict:
    """The region's family centres without an event in the last twelve months (the dashboard's
    figure, from its cache)."""
    from .dashboards import uncovered_centres

    centres = uncovered_centres(region)
    return {"centres": centres[:START_ROWS], "total": len(centres)}


def headline_figures(access: Access, region: Region, user) -> dict:
    """The region's three headline figures of the dashboard, with the twelve months before."""
    from .dashboards import headline

    return {"figures": headline(region)}
