from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NavigatorConfig(AppConfig):
    name = "neuewege.navigator"
    label = "navigator"
    verbose_name = _("Navigator of counselling offers")

    def ready(self):
        from auditlog.registry import auditlog

        from . import exporters, models, permissions, privacy, tasks  # noqa: F401 (declare)

        auditlog.register(models.Offer)
        auditlog.register(models.ChildcareDistrict)
        exporters.register()
