from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from neuewege.core.demo.registry import register_demo_data

# the figures of the events (kept FIGURES_CACHE_SECONDS themselves) and what they count
FIGURES = (
    "core.Institution",
    "events.EventSession",
    "events.ParentEvent",
    "events.Registration",
    "agreements.Agreement",
)


class CooperationConfig(AppConfig):
    name = "neuewege.cooperation"
    label = "cooperation"
    verbose_name = _("Regional cooperation")

    def ready(self):
        register_demo_data("cooperation", "neuewege.cooperation.demo.generate_cooperation")

        from auditlog.registry import auditlog

        from neuewege.core.jobs import DAILY, due_job
        from neuewege.core.navigation import REGION, TOOLS, menu_entry
        from neuewege.core.start import start_panel

        from . import exporters, models, permissions, selectors, services

        auditlog.register(models.RegionCheck)
        auditlog.register(models.SteeringGroup, m2m_fields={"institutions", "members"})
        auditlog.register(models.Meeting, m2m_fields={"attendees"})
        auditlog.register(models.Task)
        auditlog.register(models.Material)
        auditlog.register(models.MaterialVersion, exclude_fields=["downloads"])
        due_job(services.remind_task_owners, every=DAILY)
        exporters.register()
        menu_entry(
            REGION,
            "region-dashboard",
            _("Cooperation"),
            order=50,
            permission=permissions.SEE,
        )
        menu_entry(
            REGION,
            "state-overview",
            _("All regions"),
            order=100,
            of_region=False,
        )
        menu_entry(TOOLS, "programme-material-list", _("Programme materials"), order=20)
        start_panel(
            "tasks",
            order=10,
            permission=permissions.MANAGE,
            template="cooperation/start/tasks.html",
            context=selectors.tasks_due,
            reads=("cooperation.Task", "cooperation.Meeting", "events.ParentEvent", "core.Person"),
        )
        start_panel(
            "centres-without-event",
            order=50,
            permission=permissions.MANAGE,
            template="cooperation/start/centres.html",
            context=selectors.centres_without_event,
            reads=FIGURES,
        )
        start_panel(
            "figures",
            order=100,
            permission=permissions.MANAGE,
            template="cooperation/start/figures.html",
            context=selectors.headline_figures,
            reads=FIGURES,
        )
