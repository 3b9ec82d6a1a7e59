from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    name = "neuewege.trainings"
    label = "trainings"
    verbose_name = _("Cooperative trainings")

    def ready(self):
        from auditlog.registry import auditlog

        from neuewege.core.jobs import HOURLY, due_job
        from neuewege.core.navigation import REGION, TOOLS, menu_entry

        from . import certificates, feedback, models, permissions, privacy, reminders  # noqa: F401

        due_job(reminders.send_training_reminders)

        auditlog.register(models.Module)
        auditlog.register(models.Training)
        auditlog.register(models.TrainingSession, m2m_fields={"trainers"})
        menu_entry(REGION, "training-list", _("Trainings"), order=45)
        menu_entry(TOOLS, "module-list", _("Training modules"), order=15)
        # attendance, certificates, feedback
        auditlog.register(models.Qualification)
        certificates.register()
        due_job(feedback.invite_training_participants, every=HOURLY)
