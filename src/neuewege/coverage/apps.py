from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from neuewege.core.demo.registry import register_demo_data


class CoverageConfig(AppConfig):
    name = "neuewege.coverage"
    label = "coverage"
    verbose_name = _("Coverage planning")

    def ready(self):
        register_demo_data("coverage", "neuewege.coverage.demo.generate_demo_coverage")
        register_demo_data("coverage scenarios", "neuewege.coverage.demo.generate_demo_scenarios")

        from auditlog.registry import auditlog

        from neuewege.cooperation.indicators import Indicator, register_indicator
        from neuewege.core.navigation import REGION, menu_entry
        from neuewege.core.start import failed_work_source

        from . import figures, models, permissions, selectors

        register_indicator(
            Indicator(
                "centres_with_events_planned",
                _("Family centres with events or events planned in the year being planned"),
                _("family centres"),
                figures.centres_with_events_planned,
            )
        )
        auditlog.register(models.CentreRequest)
        auditlog.register(models.SpeakerCapacity)
        auditlog.register(models.Scenario, m2m_fields={"left_out"})
        auditlog.register(models.Pin, m2m_fields={"speakers"})
        menu_entry(REGION, "coverage-dashboard", _("Coverage"), order=47)
        menu_entry(
            REGION, "coverage-state", _("Coverage in all regions"), order=102, of_region=False
        )
        failed_work_source(
            "plans",
            model="coverage.PlanRun",
            permission=permissions.PLAN,
            runs=selectors.region_plan_runs,
            describe=selectors.describe_plan_run,
            related=("scenario",),
        )
