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

        from neuewege.cooperation.indicators import Indicator, register_indicator
        from neuewege.core.jobs import due_job
        from neuewege.core.navigation import INSTITUTION, REGION, menu_entry
        from neuewege.core.start import start_panel

        from . import (  # noqa: F401 (declare)
            documents,
            evidence,
            models,
            permissions,
            privacy,
            reminders,
            selectors,
        )

        register_indicator(
            Indicator(
                "centres_with_agreement",
                _("Family centres with an agreement in force"),
                _("family centres"),
                selectors.centres_in_force,
            )
        )
        due_job(reminders.run_agreement_dates)
        documents.register()  # the exporters of versions and of the region's batch
        evidence.register()  # the family centre's evidence for the Gütesiegel
        auditlog.register(models.Agreement)
        auditlog.register(models.Clause)
        menu_entry(REGION, "agreement-list", _("Agreements"), order=48)
        menu_entry(INSTITUTION, "centre-evidence", _("Evidence for the Gütesiegel"), order=10)
        start_panel(
            "expiring",
            order=60,
            permission=permissions.DRAFT,
            template="agreements/start/expiring.html",
            context=selectors.expiring,
            reads=("agreements.Agreement", "core.Institution"),
        )
