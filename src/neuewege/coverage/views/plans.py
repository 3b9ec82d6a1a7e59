"""The coordinator's pages of the coverage plans: the region's scenarios of a year with their
latest plan, a scenario's form, computing its plan (a background run with a progress bar), the
plan in words and figures, and the comparison of a scenario with its base for the steering
group. URL names follow the record their ``pk`` is: ``scenario-…`` a scenario, ``plan-run-…`` a
plan run; ``coverage-plans`` and ``coverage-scenario-create`` take the region."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from neuewege.core import progress
from neuewege.core.errors import DomainError
from neuewege.core.views.base import AccessMixin, add_domain_errors, progress_response

from .. import plan_report as report
from .. import selectors
from ..permissions import PLAN, SEE
from ..scenario_forms import (
    ExtraCentreFormSet,
    ExtraSpeakerFormSet,
    RunForm,
    ScenarioForm,
    centre_initial,
    extra_centres,
    extra_speakers,
)
from ..services import plans as services
from ..services import scenarios
from .demand import _record, _year


def plans_url(region, year) -> str:
    return reverse("coverage-plans", kwargs={"region_key": region.key}) + f"?year={year}"


def _failed(run) -> bool:
    return run.work_state == run.State.FAILED or progress.has_stalled(run)


class ScenarioListView(AccessMixin, View):
    """The region's scenarios of a year, each with its latest plan's headline."""

    permission = SEE

    def get(self, request, region_key):
        year = _year(request)
        scenarios = selectors.region_scenarios(self.access, self.region, year)
        for scenario in scenarios:
            run = scenario.latest_done
            scenario.headline = report.headline(run.result["plan"]) if run else None
            scenario.status_text = report.solver_status_text(run.result["plan"]) if run else ""
            scenario.comparable = bool(run and run.result.get("base"))
            scenario.running = scenario.latest is not None and not (
                progress.is_finished(scenario.latest) or _failed(scenario.latest)
            )
        return self.render(
            "coverage/plans.html",
            scenarios=scenarios,
            year=year,
            years=[year - 1, year + 1],
            can_plan=self.access.has(PLAN, self.region),
            run_form=RunForm(),
        )


class ScenarioFormMixin(AccessMixin):
    permission = PLAN

    def page(self, form, formset, centres):
        return self.render(
            "coverage/scenario_form.html",
            form=form,
            formset=formset,
            centres=centres,
            scenario=getattr(self, "scenario", None),
            year=self.year,
            cancel_url=plans_url(self.region, self.year),
        )

    def save(self, form, formset, centres, scenario=None):
        """The form and its rows to the service; the page again with every error, or None."""
        valid = form.is_valid() & formset.is_valid() & centres.is_valid()
        if not valid:
            return None
        data = form.cleaned_data | {
            "extra_speakers": extra_speakers(formset),
            "extra_centres": extra_centres(centres),
        }
        try:
            saved = scenarios.save_scenario(
                access=self.access,
                region=self.region,
                year=self.year,
                data=data,
                scenario=scenario,
            )
        except DomainError as error:
            add_domain_errors(form, error)
            return None
        messages.success(self.request, _("The scenario “%(name)s” was saved.") % {"name": saved})
        return saved


class ScenarioCreateView(ScenarioFormMixin, View):
    def dispatch(self, request, *args, **kwargs):
        self.year = _year(request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, region_key):
        form = ScenarioForm(initial={"hours_percent": 100}, region=self.region, year=self.year)
        return self.page(
            form, ExtraSpeakerFormSet(prefix="extra"), ExtraCentreFormSet(prefix="centres")
        )

    def post(self, request, region_key):
        form = ScenarioForm(request.POST, region=self.region, year=self.year)
        formset = ExtraSpeakerFormSet(request.POST, prefix="extra")
        centres = ExtraCentreFormSet(request.POST, prefix="centres")
        if self.save(form, formset, centres) is None:
            return self.page(form, formset, centres)
        return redirect(plans_url(self.region, self.year))


class ScenarioRecordMixin(AccessMixin):
    permission = PLAN

    def get_record(self):
        self.scenario = _record(selectors.scenarios(self.access), self.kwargs["pk"])
        self.year = self.scenario.year
        return self.scenario


class ScenarioUpdateView(ScenarioRecordMixin, ScenarioFormMixin, View):
    def centres(self, data=None):
        initial = centre_initial(self.scenario.extra_centres)
        return ExtraCentreFormSet(data, initial=initial, prefix="centres")

    def get(self, request, pk):
        formset = ExtraSpeakerFormSet(initial=self.scenario.extra_speakers, prefix="extra")
        return self.page(ScenarioForm.for_scenario(self.scenario), formset, self.centres())

    def post(self, request, pk):
        form = ScenarioForm.for_scenario(self.scenario, request.POST)
        formset = ExtraSpeakerFormSet(
            request.POST, initial=self.scenario.extra_speakers, prefix="extra"
        )
        centres = self.centres(request.POST)
        if self.save(form, formset, centres, self.scenario) is None:
            return self.page(form, formset, centres)
        return redirect(plans_url(self.region, self.year))


class ScenarioDeleteView(ScenarioRecordMixin, View):
    def get(self, request, pk):
        return self.render(
            "core/confirm_delete.html",
            record=self.scenario,
            cancel_url=plans_url(self.region, self.year),
        )

    def post(self, request, pk):
        try:
            scenarios.delete_scenario(access=self.access, scenario=self.scenario)
        except DomainError as error:
            messages.error(request, " ".join(error.messages()))
        else:
            messages.success(request, _("%(name)s was deleted.") % {"name": self.scenario})
        return redirect(plans_url(self.region, self.year))


class ScenarioRunView(ScenarioRecordMixin, View):
    """Compute the scenario's plan: the time limit (GET), then the run's page (POST)."""

    def page(self, form):
        return self.render("coverage/scenario_run.html", form=form, scenario=self.scenario)

    def get(self, request, pk):
        return self.page(RunForm())

    def post(self, request, pk):
        form = RunForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        try:
            run = services.start_run(
                access=self.access,
                scenario=self.scenario,
                time_limit_seconds=form.cleaned_data["time_limit_seconds"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
            return self.page(form)
        messages.success(request, _("The plan is being computed."))
        return redirect("plan-run-detail", pk=run.pk)


class PlanRunMixin(AccessMixin):
    permission = SEE

    def get_record(self):
        run = _record(selectors.plan_runs(self.access), self.kwargs["pk"])
        return run


def _left_out(plan) -> dict:
    left = plan.get("left_out") or {}
    return {
        "centres": [
            entry | {"added": services.is_added_centre(entry["id"])}
            for entry in left.get("centres_without_location", [])
        ],
        "no_location": left.get("speakers_without_location", []),
        "no_capacity": left.get("speakers_without_capacity", []),
        "unqualified": left.get("unqualified_speakers", []),
    }


class PlanRunDetailView(PlanRunMixin, View):
    """A plan: its progress bar while it is computed (the target of htmx's polling), then the
    plan in figures and words."""

    def get(self, request, pk):
        run = self.record
        context = {
            "run": run,
            "scenario": run.scenario,
            "label": _("Computing the plan (at most about %(seconds)s seconds)")
            % {"seconds": _expected_seconds(run)},
            "can_plan": self.access.has(PLAN, run.scenario),
        }
        waiting = progress_response(self, run, "coverage/plan_run.html", **context)
        if waiting is not None:
            return waiting
        plan = (run.result or {}).get("plan")
        if plan is None:
            return self.render("coverage/plan_run.html", **context, failed=_failed(run))
        return self.render(
            "coverage/plan_run.html",
            **context,
            plan=plan,
            headline=report.headline(plan),
            status_text=report.solver_status_text(plan),
            formats=report.served_by_format(plan),
            centres=report.centre_rows(plan),
            speakers=report.speaker_rows(plan),
            relaxations=report.relaxation_rows(plan),
            left_out=_left_out(plan),
            map_points=report.map_points(plan),
            comparable=bool(run.result.get("base")),
        )


def _expected_seconds(run) -> int:
    seconds = run.time_limit_seconds
    if run.scenario.base_id:
        extra = sum(int(entry.get("count", 0)) for entry in run.scenario.extra_speakers)
        seconds = 2 * seconds + min(extra, services.MAX_MARGINAL_SPEAKERS) * min(
            seconds, services.MARGINAL_SECONDS
        )
    return seconds


class PlanRunCompareView(PlanRunMixin, View):
    """The scenario and its base side by side, both planned by this run on the same data."""

    def get(self, request, pk):
        run = self.record
        result = run.result or {}
        context = {"run": run, "scenario": run.scenario}
        if not result.get("plan"):
            if run.scenario.base_id is None:
                raise Http404
            return self.render("coverage/plan_compare.html", **context, pending=True)
        if not result.get("base"):
            raise Http404
        return self.render(
            "coverage/plan_compare.html",
            **context,
            comparison=report.comparison(result, run.scenario.name),
            rows=report.compare_rows(result),
        )
