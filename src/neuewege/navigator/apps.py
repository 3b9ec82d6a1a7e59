from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NavigatorConfig(AppConfig):
    name = "neuewege.navigator"
    label = "navigator"
    verbose_name = _("Navigator of counselling offers")

    def ready(self):
        from auditlog.registry import auditlog

        from neuewege.core.navigation import REGION, menu_entry

        from . import models, permissions  # noqa: F401 (declare)

        auditlog.register(models.Offer)
        auditlog.register(models.ChildcareDistrict)
        menu_entry(REGION, "offer-search", _("Navigator"), order=50)
