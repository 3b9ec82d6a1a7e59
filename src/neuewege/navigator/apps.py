from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NavigatorConfig(AppConfig):
    name = "neuewege.navigator"
    label = "navigator"
    verbose_name = _("Navigator of counselling offers")

    def ready(self):
        from auditlog.registry import auditlog

        from neuewege.core.jobs import DAILY, due_job
        from neuewege.core.navigation import INSTITUTION, REGION, menu_entry

        from . import models, permissions, reminders  # noqa: F401 (declare)

        auditlog.register(models.Offer)
        auditlog.register(models.ChildcareDistrict)
        due_job(reminders.run_offer_freshness, every=DAILY)
        menu_entry(REGION, "offer-list", _("Offers"), order=52)
        menu_entry(INSTITUTION, "institution-offers", _("Offers it keeps"), order=20)
