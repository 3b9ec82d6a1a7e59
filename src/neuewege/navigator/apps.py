from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from neuewege.core.demo.registry import register_demo_data


class NavigatorConfig(AppConfig):
    name = "neuewege.navigator"
    label = "navigator"
    verbose_name = _("Navigator of counselling offers")

    def ready(self):
        register_demo_data("navigator", "neuewege.navigator.demo.generate_demo_directory")

        from auditlog.registry import auditlog

        from neuewege.core.jobs import DAILY, due_job
        from neuewege.core.navigation import INSTITUTION, REGION, menu_entry

        from . import exporters, models, permissions, privacy, reminders, tasks  # noqa: F401

        auditlog.register(models.Offer)
        auditlog.register(models.ChildcareDistrict)
        auditlog.register(models.Contact)  # the direct numbers of professionals
        auditlog.register(models.ChildcareContact)
        exporters.register()  # the client sheet, the Lotsenbroschüre, the HSDS datapackages
        due_job(reminders.run_offer_freshness, every=DAILY)
        menu_entry(REGION, "offer-search", _("Navigator"), order=50)
        menu_entry(REGION, "offer-list", _("Offers"), order=52)
        menu_entry(REGION, "childcare-search", _("Childcare (§4)"), order=56)
        menu_entry(INSTITUTION, "institution-offers", _("Offers it keeps"), order=20)
        menu_entry(INSTITUTION, "childcare-edit", _("Childcare information (§4)"), order=30)
        menu_entry(INSTITUTION, "centre-brochure", _("Lotsenbroschüre"), order=32)
