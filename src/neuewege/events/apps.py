from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from neuewege.core.demo.registry import register_demo_data


class EventsConfig(AppConfig):
    name = "neuewege.events"
    label = "events"
    verbose_name = _("Events in family centres")

    def ready(self):
        register_demo_data("events", "neuewege.events.demo.generate_demo_events")

        from auditlog.registry import auditlog

        from neuewege.core.jobs import DUE_JOBS

        from . import models, services, tasks

        auditlog.register(models.Format)
        auditlog.register(models.ParentEvent, m2m_fields={"speakers"})
        auditlog.register(models.EventSession)
        DUE_JOBS.extend(
            [
                services.mark_held_events,
                services.create_reminders,
                tasks.send_due_notifications,
                services.purge_personal_data,
            ]
        )
