"""Staff pages of regional cooperation: the region dashboard and the state overview (figures,
which the state level reads too), and the region's own records — the Regionen-Check and its
versions, goals, the action plan, the steering group and its meetings. The people of the region
read those; its coordinator changes them (the person a task is given to may change its status);
the state level does not see them."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views import View

from neuewege.core import exporters as core_exporters
from neuewege.core import uploads
from neuewege.core.access import STATE_FIGURES, VIEW
from neuewege.core.errors import DomainError
from neuewege.core.views.base import AccessMixin, submit

from . import dashboards, documents, exporters, selectors, services
from .filters import MaterialFilter, TaskFilter
from .forms import (
    GoalForm,
    MaterialForm,
    MeasurementForm,
    MeetingEditForm,
    MeetingForm,
    MinutesForm,
    RegionCheckForm,
    SteeringGroupForm,
    TaskForm,
)
from .models import CHECK_FIELDS, SteeringGroup
from .permissions import MANAGE, MANAGE_MATERIALS, SEE, SEE_MATERIALS, UPDATE_TASK


class CooperationPage(AccessMixin):
    """A page of a region's cooperation: its people read it, ``MANAGE`` pages are the
    coordinator's."""

    permission = SEE

    def render(self, template, **context):
        context.setdefault("can_manage", self.access.has(MANAGE, self.region))
        return super().render(template, **context)

    def found(self, record):
        if record is None:
            raise Http404
        return record

    def go(self, name, *args):
        return redirect(reverse(name, args=[self.region.key, *args]))


class RegionDashboardView(CooperationPage, View):
    """Where the region stands, on one page: aggregates, which the state level reads too. The
    goals, tasks and the Check themselves only for the region's people (as in the API)."""

    permission = VIEW

    def get(self, request, region_key):
        figures = dashboards.region_dashboard(self.region)
        return self.render(
            "cooperation/dashboard.html",
            sees_cooperation=self.access.has(SEE, self.region),
            figures=figures,
            goals_reached=sum(progress.reached for progress in figures.goals),
            figures_minutes=settings.FIGURES_CACHE_SECONDS // 60,
            chart={
                "label": _("Events"),
                "labels": [row.name for row in figures.events_by_format],
                "values": [row.events for row in figures.events_by_format],
            },
        )


class StateOverviewView(AccessMixin, View):
    """All regions at a glance (state level): figures only, sortable, and as XLSX."""

    permission = STATE_FIGURES
    programme_wide = True
    COLUMNS = exporters.STATE_COLUMNS

    def get(self, request):
        sort = exporters.state_sort(request.GET.get("sort", ""))
        # computed only when the page's table is not in the cache
        rows = SimpleLazyObject(lambda: exporters.sorted_rows(sort))
        return self.render(
            "cooperation/state_overview.html",
            rows=rows,
            sort=sort,
            figures_seconds=settings.FIGURES_CACHE_SECONDS,
            figures_minutes=settings.FIGURES_CACHE_SECONDS // 60,
            columns=self.COLUMNS,
            map_points=SimpleLazyObject(
                lambda: [
                    {
                        "lat": row.centre[0],
                        "lon": row.centre[1],
                        "name": row.region.name,
                        "covered": bool(row.coverage.covered),
                    }
                    for row in rows
                    if row.centre is not None
                ]
            ),
        )


state_overview_export = core_exporters.alias("state-overview")


# Regionen-Check


class CheckListView(CooperationPage, View):
    def get(self, request, region_key):
        return self.render("cooperation/check_list.html", checks=selectors.checks(self.region))


class CheckCreateView(CooperationPage, View):
    """A new version, filled in with the latest one: a Check is never overwritten."""

    permission = MANAGE

    def get(self, request, region_key):
        latest = selectors.checks(self.region).first()
        initial = {name: getattr(latest, name) for name in CHECK_FIELDS} if latest else {}
        initial.pop("held_on", None)
        return self.show(RegionCheckForm(initial=initial), latest)

    def post(self, request, region_key):
        form = RegionCheckForm(request.POST)
        check = submit(
            request,
            form,
            lambda data: services.save_check(
                access=self.access, region=self.region, data=data, user=request.user
            ),
            _("The Regionen-Check is saved."),
        )
        if check is None:
            return self.show(form, selectors.checks(self.region).first())
        return self.go("check-detail", check.version)

    def show(self, form, latest):
        return self.render("cooperation/check_form.html", form=form, latest=latest)


class CheckDetailView(CooperationPage, View):
    def get(self, request, region_key, version):
        check = self.found(selectors.check_version(self.region, version))
        return self.render(
            "cooperation/check_detail.html",
            check=check,
            answers=selectors.compare_checks(check, check),
            versions=selectors.checks(self.region),
            planned=check.tasks.count(),
        )


check_pdf = core_exporters.alias("region-check", "pdf")  # a version of the Check


class CheckCompareView(CooperationPage, View):
    def get(self, request, region_key):
        versions = list(selectors.checks(self.region))
        by_number = {check.version: check for check in versions}
        older = by_number.get(_number(request.GET.get("older")))
        newer = by_number.get(_number(request.GET.get("newer")))
        if older is None or newer is None:
            if len(versions) < 2:
                raise Http404
            newer, older = versions[0], versions[1]
        if older.version > newer.version:
            older, newer = newer, older
        return self.render(
            "cooperation/check_compare.html",
            older=older,
            newer=newer,
            versions=versions,
            rows=selectors.compare_checks(older, newer),
        )


def _number(value):
    return int(value) if value and value.isdigit() and len(value) < 9 else None


class ActionPlanCreateView(CooperationPage, View):
    """Shows the tasks the Check's chosen elements add to the action plan; confirming adds
    them."""

    permission = MANAGE

    def get(self, request, region_key, version):
        check = self.found(selectors.check_version(self.region, version))
        return self.render(
            "cooperation/action_plan_confirm.html",
            check=check,
            new_tasks=[
                services.ELEMENT_TASKS[code] for code in selectors.unplanned_elements(check)
            ],
        )

    def post(self, request, region_key, version):
        check = self.found(selectors.check_version(self.region, version))
        created = services.create_action_plan(access=self.access, region_check=check)
        if created:
            messages.success(
                request,
                _("%(count)s tasks were added to the action plan.") % {"count": len(created)},
            )
        else:
            messages.info(request, _("The action plan has a task for every chosen element."))
        return self.go("task-list")


# Action plan


class TaskListView(CooperationPage, View):
    def get(self, request, region_key):
        filters = TaskFilter(
            request.GET, selectors.tasks(self.region), access=self.access, region=self.region
        )
        return self.render("cooperation/task_list.html", tasks=filters.qs, filters=filters)


class TaskCreateView(CooperationPage, View):
    permission = MANAGE

    def get(self, request, region_key):
        return self.show(TaskForm(region=self.region, initial={"status": "open"}))

    def post(self, request, region_key):
        form = TaskForm(request.POST, region=self.region)
        saved = submit(
            request,
            form,
            lambda data: services.save_task(access=self.access, region=self.region, data=data),
            _("The task is added to the action plan."),
        )
        return self.go("task-list") if saved else self.show(form)

    def show(self, form):
        return self.render("cooperation/task_form.html", form=form, task=None)


class TaskUpdateView(CooperationPage, View):
    permission = UPDATE_TASK

    def get_record(self):
        region = self.access.regions_by_key.get(self.kwargs["region_key"])
        return self.found(region and selectors.task(region, self.kwargs["pk"]))

    @property
    def task(self):
        return self.record

    def form(self, data=None):
        owner_only = not self.access.has(MANAGE, self.region)
        initial = {
            "title": self.task.title,
            "element": self.task.element,
            "owner": self.task.owner_id,
            "institution": self.task.institution_id,
            "due_on": self.task.due_on,
            "status": self.task.status,
            "meeting": self.task.meeting_id,
            "event": self.task.event_id,
            "notes": self.task.notes,
        }
        return TaskForm(data, region=self.region, owner_only=owner_only, initial=initial)

    def get(self, request, region_key, pk):
        return self.show(self.form())

    def post(self, request, region_key, pk):
        form = self.form(request.POST)
        saved = submit(
            request,
            form,
            lambda data: services.save_task(
                access=self.access, region=self.region, data=data, task=self.task
            ),
            _("The task is saved."),
        )
        return self.go("task-list") if saved else self.show(form)

    def show(self, form):
        return self.render("cooperation/task_form.html", form=form, task=self.task)


# Steering group and meetings


class SteeringGroupView(CooperationPage, View):
    def get(self, request, region_key):
        return self.render(
            "cooperation/steering_group.html",
            group=selectors.region_steering_group(self.region),
            meetings=selectors.meetings(self.region),
        )


class SteeringGroupUpdateView(CooperationPage, View):
    permission = MANAGE

    def form(self, data=None):
        group = SteeringGroup.objects.filter(region=self.region).first()
        initial = {"is_active": True}
        if group is not None:
            initial = {
                "coordinator": group.coordinator_id,
                "founded_on": group.founded_on,
                "is_active": group.is_active,
                "institutions": list(group.institutions.all()),
                "members": list(group.members.all()),
            }
        return SteeringGroupForm(data, region=self.region, initial=initial)

    def get(self, request, region_key):
        return self.render("cooperation/steering_group_form.html", form=self.form())

    def post(self, request, region_key):
        form = self.form(request.POST)
        saved = submit(
            request,
            form,
            lambda data: services.save_steering_group(
                access=self.access, region=self.region, data=dict(data)
            ),
            _("The steering group is saved."),
        )
        if saved:
            return self.go("steering-group")
        return self.render("cooperation/steering_group_form.html", form=form)


class MeetingCreateView(CooperationPage, View):
    """Schedule a meeting; coming from a task (``?task=``), the meeting fulfils it."""

    permission = MANAGE

    def fulfils(self):
        number = _number(self.request.GET.get("task"))
        return selectors.task(self.region, number) if number else None

    def get(self, request, region_key):
        has_group = selectors.has_active_steering_group(self.region)
        kind = "steering_group" if has_group else "coordination"
        return self.show(MeetingForm(initial={"kind": kind}))

    def post(self, request, region_key):
        form = MeetingForm(request.POST)
        meeting = submit(
            request,
            form,
            lambda _data: services.schedule_meeting(
                access=self.access,
                region=self.region,
                data=form.meeting_data(),
                fulfils=self.fulfils(),
            ),
            _("The meeting is scheduled."),
        )
        if meeting is None:
            return self.show(form)
        return self.go("meeting-detail", meeting.pk)

    def show(self, form):
        return self.render("cooperation/meeting_form.html", form=form, task=self.fulfils())


class MeetingUpdateView(CooperationPage, View):
    permission = MANAGE

    def get(self, request, region_key, pk):
        meeting = self.found(selectors.meeting(self.region, pk))
        return self.show(MeetingEditForm(initial=MeetingForm.initial_for(meeting)), meeting)

    def post(self, request, region_key, pk):
        meeting = self.found(selectors.meeting(self.region, pk))
        form = MeetingEditForm(request.POST)
        saved = submit(
            request,
            form,
            lambda _data: services.update_meeting(
                access=self.access, meeting=meeting, data=form.meeting_data()
            ),
            _("The meeting is saved."),
        )
        return self.go("meeting-detail", meeting.pk) if saved else self.show(form, meeting)

    def show(self, form, meeting):
        return self.render("cooperation/meeting_form.html", form=form, meeting=meeting)


class MeetingDetailView(CooperationPage, View):
    def get(self, request, region_key, pk):
        meeting = self.found(selectors.meeting(self.region, pk))
        return self.render("cooperation/meeting_detail.html", meeting=meeting, now=timezone.now())


class MeetingMinutesView(CooperationPage, View):
    permission = MANAGE

    def form(self, meeting, data=None):
        initial = {"minutes": meeting.minutes, "attendees": list(meeting.attendees.all())}
        return MinutesForm(data, region=self.region, initial=initial)

    def get(self, request, region_key, pk):
        meeting = self.found(selectors.meeting(self.region, pk))
        return self.show(meeting, self.form(meeting))

    def post(self, request, region_key, pk):
        meeting = self.found(selectors.meeting(self.region, pk))
        form = self.form(meeting, request.POST)
        decided = submit(
            request,
            form,
            lambda data: services.record_minutes(
                access=self.access,
                meeting=meeting,
                minutes=data["minutes"],
                attendees=list(data["attendees"]),
                decisions=form.decisions(),
            ),
            _("The minutes are saved."),
        )
        if decided is None:
            return self.show(meeting, form)
        return self.go("meeting-detail", meeting.pk)

    def show(self, meeting, form):
        return self.render("cooperation/meeting_minutes.html", meeting=meeting, form=form)


class MeetingInviteView(CooperationPage, View):
    """Shows who gets the invitation (with the calendar file); confirming sends it."""

    permission = MANAGE

    def get(self, request, region_key, pk):
        meeting = self.found(selectors.meeting(self.region, pk))
        return self.render(
            "cooperation/meeting_invite.html",
            meeting=meeting,
            recipients=selectors.invitation_recipients(self.region),
        )

    def post(self, request, region_key, pk):
        meeting = self.found(selectors.meeting(self.region, pk))
        try:
            addresses = services.send_invitations(access=self.access, meeting=meeting)
        except DomainError as error:
            for message in error.messages():
                messages.error(request, message)
            return self.go("meeting-invite", meeting.pk)
        messages.success(
            request,
            _("The invitation went to %(count)s people.") % {"count": len(addresses)},
        )
        return self.go("meeting-detail", meeting.pk)


# Regional goals


class GoalListView(CooperationPage, View):
    def get(self, request, region_key):
        return self.render("cooperation/goal_list.html", goals=selectors.goals(self.region))


class GoalFormView(CooperationPage, View):
    """Add a goal, or change one (``pk``)."""

    permission = MANAGE

    def goal(self):
        pk = self.kwargs.get("pk")
        return self.found(selectors.goal(self.region, pk)) if pk else None

    def get(self, request, region_key, pk=None):
        goal = self.goal()
        initial = {name: getattr(goal, name) for name in services.GOAL_FIELDS} if goal else {}
        return self.show(GoalForm(initial=initial), goal)

    def post(self, request, region_key, pk=None):
        goal, form = self.goal(), GoalForm(request.POST)
        saved = submit(
            request,
            form,
            lambda data: services.save_goal(
                access=self.access, region=self.region, data=data, goal=goal
            ),
            _("The goal is saved."),
        )
        return self.go("goal-list") if saved else self.show(form, goal)

    def show(self, form, goal):
        return self.render("cooperation/goal_form.html", form=form, goal=goal)


class MeasurementCreateView(CooperationPage, View):
    permission = MANAGE

    def get(self, request, region_key, pk):
        goal = self.found(selectors.goal(self.region, pk))
        return self.show(MeasurementForm(initial={"measured_on": timezone.localdate()}), goal)

    def post(self, request, region_key, pk):
        goal, form = self.found(selectors.goal(self.region, pk)), MeasurementForm(request.POST)
        saved = submit(
            request,
            form,
            lambda data: services.record_measurement(access=self.access, goal=goal, data=data),
            _("The value is saved."),
        )
        return self.go("goal-list") if saved else self.show(form, goal)

    def show(self, form, goal):
        return self.render("cooperation/measurement_form.html", form=form, goal=goal)


# Materials library


class MaterialPage(AccessMixin):
    """A page of a materials library: a region's (the region in the URL, or the material's)
    or the programme's, which every account reads and the state level keeps."""

    permission = SEE_MATERIALS
    programme_wide = True

    def get_record(self):
        pk = self.kwargs.get("pk")
        if pk is None:
            return None
        material = selectors.material(self.access, pk)
        if material is None:
            raise Http404
        return material

    def render(self, template, **context):
        context.setdefault("can_manage", self.access.has(MANAGE_MATERIALS, self.region))
        context.setdefault("material", self.record)
        return super().render(template, **context)

    def list_url(self):
        if self.region is None:
            return reverse("programme-material-list")
        return reverse("material-list", args=[self.region.key])


class MaterialListView(MaterialPage, View):
    def get(self, request, region_key=None):
        filters = MaterialFilter(
            request.GET, selectors.materials(self.region), access=self.access, region=self.region
        )
        found = list(filters.qs)
        return self.render(
            "cooperation/material_list.html",
            own=[material for material in found if material.region_id is not None],
            programme=[material for material in found if material.region_id is None],
            filters=filters,
            create_url=(
                reverse("material-create", args=[self.region.key])
                if self.region
                else reverse("programme-material-create")
            ),
        )


class MaterialFormView(MaterialPage, View):
    """Add a material (with its file), or describe one anew (``pk``) and bring a new version."""

    permission = MANAGE_MATERIALS
    upload_limit = services.MAX_MATERIAL_BYTES

    def get(self, request, region_key=None, pk=None):
        initial = {"kind": "other"}
        if self.record is not None:
            initial = {name: getattr(self.record, name) for name in services.MATERIAL_FIELDS}
        return self.show(MaterialForm(initial=initial))

    def post(self, request, region_key=None, pk=None):
        form = MaterialForm(request.POST, uploads.files_of(request))
        material = submit(
            request,
            form,
            lambda data: services.save_material(
                access=self.access,
                region=self.region,
                data=form.material_data(),
                material=self.record,
                upload=data["file"],
                change_note=data["change_note"],
                user=request.user,
            ),
            _("The material is saved."),
        )
        if material is None:
            return self.show(form)
        return redirect(reverse("material-detail", args=[material.pk]))

    def show(self, form):
        if self.record is None:
            del form.fields["change_note"]
        else:
            form.fields["file"].label = _("New version (optional)")
        cancel = reverse("material-detail", args=[self.record.pk]) if self.record else None
        return self.render(
            "cooperation/material_form.html", form=form, cancel_url=cancel or self.list_url()
        )


class MaterialDetailView(MaterialPage, View):
    def get(self, request, pk):
        return self.render("cooperation/material_detail.html", list_url=self.list_url())


class MaterialDeleteView(MaterialPage, View):
    permission = MANAGE_MATERIALS

    def get(self, request, pk):
        return self.render(
            "core/confirm_delete.html",
            record=self.record,
            cancel_url=reverse("material-detail", args=[pk]),
        )

    def post(self, request, pk):
        services.delete_material(access=self.access, material=self.record)
        messages.success(request, _("The material is deleted."))
        return redirect(self.list_url())


class MaterialDownloadView(MaterialPage, View):
    """The download buttons send a POST, which is counted. A GET of the same address (a link
    passed on, a browser's or a mail scanner's prefetch) gets the file without counting."""

    def version(self, number):
        version = selectors.material_version(self.record, number)
        if version is None:
            raise Http404
        return version

    def get(self, request, pk, number):
        return documents.material_file(self.version(number))

    def post(self, request, pk, number):
        version = self.version(number)
        response = documents.material_file(version)
        services.count_download(version)
        return response
