from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from neuewege.core.demo.registry import register_demo_data


class TrainingsConfig(AppConfig):
    name = "neuewege.trainings"
    label = "trainings"
    verbose_name = _("Cooperative trainings")

    def ready(self):
        register_demo_data("trainings", "neuewege.trainings.demo.generate_demo_trainings")

        from auditlog.registry import auditlog

        from neuewege.core.jobs import HOURLY, due_job
        from neuewege.core.navigation import REGION, menu_entry
        from neuewege.core.start import failed_work_source

        from . import (  # noqa: F401 (declare)
            certificates,
            exporters,
            feedback,
            models,
            permissions,
            privacy,
            reminders,
            selectors,
        )

        due_job(reminders.send_training_reminders)

        auditlog.register(models.Module)
        auditlog.register(models.Training)
        auditlog.register(models.TrainingSession, m2m_fields={"trainers"})
        menu_entry(REGION, "training-list", _("Trainings"), order=45)
        menu_entry(
            REGION,
            "training-state-list",
            _("Trainings for every region"),
            order=100,
            of_region=False,
        )
        menu_entry(
            REGION,
            "training-state-overview",
            _("Trainings in all regions"),
            order=101,
            of_region=False,
        )
        exporters.register()
        # attendance, certificates, feedback
        auditlog.register(models.Qualification)
        certificates.register()
        due_job(feedback.invite_training_participants, every=HOURLY)
        failed_work_source(
            "assignments",
            model="trainings.AssignmentRun",
            permission=permissions.PLAN,
            runs=selectors.region_assignment_runs,
            describe=selectors.describe_assignment_run,
            related=("training",),
        )
