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

        from neuewege.core.navigation import REGION, menu_entry

        from . import models, permissions  # noqa: F401 (declare)

        auditlog.register(models.CentreRequest)
        auditlog.register(models.SpeakerCapacity)
        menu_entry(REGION, "coverage-demand", _("Coverage"), order=47)
