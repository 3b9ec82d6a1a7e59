from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "neuewege.core"
    label = "core"
    verbose_name = _("Master data and access")

    def ready(self):
        from auditlog.registry import auditlog

        from . import checks, models, privacy  # noqa: F401 (checks registers itself)

        auditlog.register(models.Region)
        auditlog.register(models.Institution)
        auditlog.register(models.NetworkMember)
        auditlog.register(models.OpeningPeriod)
        auditlog.register(models.Person)
        auditlog.register(
            models.User,
            include_fields=[
                "email",
                "first_name",
                "last_name",
                "role",
                "is_active",
                "person",
                "signs_agreements",
            ],
            m2m_fields={"regions"},
        )
        privacy.register_exporters()


class AdminConfig(admin_apps.AdminConfig):
    """The Django admin, behind the second factor (``core.admin_site.AdminSite``)."""

    default = False
    default_site = "neuewege.core.admin_site.AdminSite"
