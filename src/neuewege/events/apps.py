from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from neuewege.core.demo.registry import register_demo_data

# what the start panels of dates show (core/start.py: rendered again when one changes)
DATES = ("events.EventSession", "events.ParentEvent", "events.FormatModule", "core.Institution")


class EventsConfig(AppConfig):
    name = "neuewege.events"
    label = "events"
    verbose_name = _("Events in family centres")

    def ready(self):
        register_demo_data("events", "neuewege.events.demo.generate.generate_demo_events")

        from auditlog.registry import auditlog

        from neuewege.core.jobs import due_job
        from neuewege.core.navigation import REGION, TOOLS, menu_entry
        from neuewege.core.start import start_panel

        from . import exporters, models, permissions, privacy, selectors, tasks  # noqa: F401
        from .services import lifecycle, notifications

        auditlog.register(models.Format)
        auditlog.register(models.ParentEvent, m2m_fields={"speakers"})
        auditlog.register(models.EventSession)
        due_job(lifecycle.mark_held_events)
        due_job(notifications.create_reminders)
        due_job(tasks.send_due_notifications)
        exporters.register()
        menu_entry(REGION, "event-list", _("Events"), order=40)
        menu_entry(TOOLS, "format-list", _("Formats"), order=10)
        menu_entry(TOOLS, "calendar-feeds", _("Calendar feeds"), order=30)
        start_panel(
            "my-dates",
            order=15,
            permission=permissions.SPEAK,
            template="events/start/my_dates.html",
            context=selectors.my_dates,
            reads=(*DATES, "events.CalendarFeed"),
        )
        start_panel(
            "coming-dates",
            order=20,
            permission=permissions.PLAN,
            template="events/start/coming_dates.html",
            context=selectors.coming_dates,
            reads=(*DATES, "events.Registration"),
        )
        start_panel(
            "calls",
            order=30,
            permission=permissions.SEE_CONTACTS,
            template="events/start/calls.html",
            context=selectors.calls_to_make,
            reads=("events.Notification", "events.Registration", "events.ParentEvent"),
        )
        start_panel(
            "attendance",
            order=40,
            permission=permissions.RECORD_ATTENDANCE,
            template="events/start/attendance.html",
            context=selectors.attendance_to_record,
            reads=DATES,
        )
