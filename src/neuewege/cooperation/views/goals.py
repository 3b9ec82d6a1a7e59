"""The region's goals and the values measured by hand."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from neuewege.core.views.base import submit

from .. import selectors, services
from ..forms import GoalForm, MeasurementForm
from ..permissions import MANAGE
from .base import CooperationPage


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
