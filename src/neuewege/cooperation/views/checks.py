"""The Regionen-Check: its versions, a comparison of two, the PDF, and the tasks its chosen
elements add to the action plan."""

from django.contrib import messages
from django.http import Http404
from django.utils.translation import gettext as _
from django.views import View

from neuewege.core import exporters as core_exporters
from neuewege.core.views.base import submit

from .. import selectors, services
from ..forms import RegionCheckForm
from ..models import CHECK_FIELDS
from ..permissions import MANAGE
from .base import CooperationPage, query_number


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
        older = by_number.get(query_number(request.GET.get("older")))
        newer = by_number.get(query_number(request.GET.get("newer")))
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
