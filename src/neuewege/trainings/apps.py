from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    name = "neuewege.trainings"
    label = "trainings"
    verbose_name = _("Cooperative trainings")

    def ready(self):
        from auditlog.registry import auditlog

        from neuewege.core.navigation import REGION, TOOLS, menu_entry

        from . import exporters, models, permissions  # noqa: F401 (declare)

        auditlog.register(models.Module)
        auditlog.register(models.Training)
        auditlog.register(models.TrainingSession, m2m_fields={"trainers"})
        menu_entry(REGION, "training-list", _("Trainings"), order=45)
        menu_entry(TOOLS, "module-list", _("Training modules"), order=15)
        menu_entry(
            REGION,
            "training-state-overview",
            _("Trainings in all regions"),
            order=101,
            of_region=False,
        )
        exporters.register()
