"""The catalogue of training modules: every account reads it, the state level keeps it."""

from functools import cached_property

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from neuewege.core.access import CATALOGUE, SIGNED_IN
from neuewege.core.views.base import AccessMixin, submit

from .. import selectors
from ..forms import ModuleForm
from ..services.catalogue import update_module
from ._ids import record_id


class ModuleListView(AccessMixin, View):
    permission = SIGNED_IN
    programme_wide = True

    def get(self, request):
        return self.render(
            "trainings/module_list.html",
            modules=selectors.modules(),
            can_edit=self.access.has(CATALOGUE),
        )


class ModuleUpdateView(AccessMixin, View):
    permission = CATALOGUE
    programme_wide = True

    @cached_property
    def module(self):
        pk = record_id(self.kwargs.get("pk"))
        if pk is None:
            raise Http404
        return get_object_or_404(selectors.modules(), pk=pk)

    def page(self, form):
        return self.render("trainings/module_form.html", form=form, module=self.module)

    def get(self, request, pk):
        return self.page(ModuleForm.for_module(self.module))

    def post(self, request, pk):
        form = ModuleForm.for_module(self.module, request.POST)
        if submit(
            request,
            form,
            lambda data: update_module(access=self.access, module=self.module, data=data),
            _("The module was saved."),
        ):
            return redirect(reverse("module-list") + f"#module-{self.module.pk}")
        return self.page(form)
