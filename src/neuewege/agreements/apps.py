from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from neuewege.core.demo.registry import register_demo_data


class AgreementsConfig(AppConfig):
    name = "neuewege.agreements"
    label = "agreements"
    verbose_name = _("Cooperation agreements")

    def ready(self):
        register_demo_data("agreements", "neuewege.agreements.demo.generate_demo_agreements")

        from auditlog.registry import auditlog

        from neuewege.core.jobs import due_job
        from neuewege.core.navigation import REGION, menu_entry

        from . import documents, evidence, models, permissions, reminders  # noqa: F401 (declare)

        due_job(reminders.run_agreement_dates)
        documents.register()
        evidence.register()
        auditlog.register(models.Agreement)
        auditlog.register(models.Clause)
        menu_entry(REGION, "agreement-list", _("Agreements"), order=48)
