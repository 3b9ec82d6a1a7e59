"""The catalogue of training modules: every account reads it, the state level keeps it."""

from django.views import View

from neuewege.core.access import CATALOGUE, SIGNED_IN
from neuewege.core.views.base import AccessMixin

from .. import selectors


class ModuleListView(AccessMixin, View):
    permission = SIGNED_IN
    programme_wide = True

    def get(self, request):
        return self.render(
            "trainings/module_list.html",
            modules=selectors.modules(),
            can_edit=self.access.has(CATALOGUE),
        )
