from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from neuewege.core.demo.registry import register_demo_data


class EvaluationConfig(AppConfig):
    """Questionnaires, survey invitations and anonymous responses.

    Deliberately not registered with auditlog: a change log of invitations and responses
    would record who answered when, which is exactly what the evaluation must not know."""

    name = "neuewege.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self):
        register_demo_data("survey responses", "neuewege.evaluation.demo.generate_evaluation")

        from neuewege.core.jobs import DAILY, HOURLY, due_job

        from . import aggregates, checks, exporters, invitations, permissions  # noqa: F401

        aggregates.connect()

        due_job(invitations.create_survey_invitations, every=HOURLY)
        due_job(invitations.send_survey_invitations)
        due_job(invitations.send_survey_reminders, every=HOURLY)
        due_job(invitations.expire_survey_links, every=DAILY)
        due_job(aggregates.refresh_kept_counts)
        exporters.register()
