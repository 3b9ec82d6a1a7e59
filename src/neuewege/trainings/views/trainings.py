"""Trainings of a region and their sessions: list, plan, change, open registration, cancel."""

from django.views import View

from neuewege.core.views.base import AccessMixin

from .. import selectors
from ..permissions import PLAN, SEE


class TrainingListView(AccessMixin, View):
    permission = SEE

    def get(self, request, region_key):
        return self.render(
            "trainings/training_list.html",
            trainings=selectors.region_trainings(self.access, self.region),
            can_plan=self.access.has(PLAN, self.region),
        )
