"""The action plan: its tasks, added by the coordinator, updated by the person given one."""

from django.utils.translation import gettext as _
from django.views import View

from neuewege.core.views.base import submit

from .. import selectors, services
from ..filters import TaskFilter
from ..forms import TaskForm
from ..permissions import MANAGE, UPDATE_TASK
from .base import CooperationPage


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
