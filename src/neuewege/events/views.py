"""Staff pages of events (signed in, region-scoped through the AccessMixin): family centres and
coordinators plan the three formats, publish, cancel and close events, book on a parent's
behalf, record attendance, print and export the lists; the state level edits the format
catalogue. Views parse the input, call a selector or a service and render."""

from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from neuewege.core import exporters
from neuewege.core.access import CATALOGUE, SIGNED_IN, VIEW
from neuewege.core.errors import DomainError
from neuewege.core.models import PersonalDataLog
from neuewege.core.services import log_personal_data
from neuewege.core.views.base import (
    AccessMixin,
    ConfirmActionMixin,
    add_domain_errors,
    paginate,
    submit,
)

from . import catalogue_services, exports, selectors
from .filters import EventFilter
from .forms.attendance import AttendanceForm
from .forms.catalogue import FormatForm
from .forms.planning import CancelEventForm, EventPlanForm, EventStartForm, digest
from .forms.staff_booking import StaffBookingForm
from .models import (
    ConsentText,
    EventSession,
    Notification,
    ParentEvent,
    Registration,
)
from .permissions import PLAN, RECORD_ATTENDANCE, SEE_CONTACTS
from .services.booking import book, remove_registration
from .services.lifecycle import (
    cancel_event,
    cancel_session,
    close_event,
    publish_event,
    record_attendance,
)
from .services.notifications import mark_called
from .services.planning import NeedsConfirmation, plan_event, update_event

MAX_ID = 2**63 - 1
# Errors of the planning services that belong to a field of another name in the form.
PLAN_FIELDS = {
    "sessions": "first_date",
    "recurrence": "until",
    f"title_{settings.LANGUAGE_CODE}": "title",
    f"description_{settings.LANGUAGE_CODE}": "description",
}


def _id(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


# Record pages: one mixin per kind of record, under the permission each page names


class EventPage(AccessMixin):
    """A page of one event (``self.event``), under a permission on that event."""

    permission = VIEW

    def find(self, pk):
        return selectors.event_detail(self.access, pk)

    def get_record(self):
        pk = _id(self.kwargs.get("pk"))
        if pk is None:
            raise Http404
        try:
            return self.find(pk)
        except (
            ParentEvent.DoesNotExist,
            EventSession.DoesNotExist,
            Registration.DoesNotExist,
            Notification.DoesNotExist,
        ) as error:
            raise Http404 from error

    @property
    def event(self) -> ParentEvent:
        return self.record

    def permission_object(self):
        return self.event

    def detail(self):
        return redirect("event-detail", pk=self.event.pk)

    def log(self, action, purpose, record=None):
        log_personal_data(
            access=self.access,
            region_id=self.event.family_centre.region_id,
            action=action,
            record=record or self.event,
            purpose=purpose,
        )


class SessionPage(EventPage):
    def find(self, pk):
        return selectors.session_detail(self.access, pk)

    @property
    def event(self):
        return self.record.event


class RegistrationPage(EventPage):
    def find(self, pk):
        return selectors.registration_detail(self.access, pk)

    @property
    def event(self):
        return self.record.event

    def detail(self):
        return redirect("event-registrations", pk=self.event.pk)


class NotificationPage(RegistrationPage):
    def find(self, pk):
        return selectors.notification_detail(self.access, pk)

    @property
    def event(self):
        return self.record.registration.event


# The list


class EventListView(AccessMixin, View):
    permission = VIEW

    def get(self, request, region_key):
        filters = EventFilter(
            request.GET,
            selectors.region_events(self.access, self.region),
            access=self.access,
            region=self.region,
        )
        return self.render(
            "events/event_list.html",
            page=paginate(request, filters.qs),
            filters=filters,
            can_plan=selectors.plannable_centres(self.access, self.region).exists(),
        )


# Planning


def add_plan_errors(form, error: DomainError):
    for name, field_messages in error.errors.items():
        target = PLAN_FIELDS.get(name, name)
        for message in field_messages:
            form.add_error(target if target in form.fields else None, message)


def submit_plan(request, form: EventPlanForm, save):
    """Validate the plan and pass it to ``save(plan, confirm_warnings)``. Warnings of the format
    are shown for confirmation; a confirmation covers exactly the warnings that were shown.
    Returns (event or None, warnings to show)."""
    if "preview" in request.POST or not form.is_valid():
        return None, []
    data = form.cleaned_data
    try:
        return save(form.plan(), False), []
    except NeedsConfirmation as needs:
        warnings = needs.messages()
        if data.get("confirm_warnings") and data.get("warnings_digest") == digest(warnings):
            try:
                return save(form.plan(), True), []
            except DomainError as error:
                add_plan_errors(form, error)
                return None, []
        if data.get("warnings_digest") == digest(warnings):
            form.add_error(
                "confirm_warnings",
                _("Tick the box to save in spite of these points, or change the plan."),
            )
        form.show_warnings(warnings)
        return None, warnings
    except DomainError as error:
        add_plan_errors(form, error)
        return None, []


class EventCreateView(AccessMixin, View):
    """Step 1 (GET without ``format``): family centre, format, shape. Step 2 (GET with them):
    dates, details, speakers; POST plans the event as a draft."""

    permission = PLAN

    @cached_property
    def centres(self):
        return selectors.plannable_centres(self.access, self.region)

    def start_form(self):
        data = self.request.GET if "format" in self.request.GET else None
        return EventStartForm(data, centres=self.centres)

    def plan_form(self, start, data=None):
        return EventPlanForm(
            data,
            event_format=start.cleaned_data["format"],
            shape=start.cleaned_data["shape"],
            speakers=selectors.speakers(self.access, self.region),
        )

    def plan_page(self, form, start, warnings=()):
        return self.render(
            "events/event_form.html",
            form=form,
            start=start.cleaned_data,
            warnings=warnings,
            shape=start.cleaned_data["shape"],
            event_format=start.cleaned_data["format"],
        )

    def get(self, request, region_key):
        start = self.start_form()
        if start.is_bound and start.is_valid():
            return self.plan_page(self.plan_form(start), start)
        return self.render("events/event_start.html", form=start)

    def post(self, request, region_key):
        start = EventStartForm(request.GET, centres=self.centres)
        if not start.is_valid():
            return self.render("events/event_start.html", form=start)
        form = self.plan_form(start, request.POST)
        event, warnings = submit_plan(
            request,
            form,
            lambda plan, confirm: plan_event(
                access=self.access,
                family_centre=start.cleaned_data["family_centre"],
                event_format=start.cleaned_data["format"],
                shape=start.cleaned_data["shape"],
                plan=plan,
                confirm_warnings=confirm,
            ),
        )
        if event is not None:
            messages.success(
                request,
                _("The event was saved as a draft. Check it and publish it when it is ready."),
            )
            return redirect("event-detail", pk=event.pk)
        return self.plan_page(form, start, warnings)


class EventUpdateView(EventPage, View):
    permission = PLAN

    def form(self, data=None):
        return EventPlanForm(
            data,
            event_format=self.event.format,
            shape=self.event.shape,
            speakers=selectors.speakers(self.access, self.region),
            event=self.event,
        )

    def page(self, form, warnings=()):
        return self.render(
            "events/event_form.html",
            form=form,
            event=self.event,
            warnings=warnings,
            shape=self.event.shape,
            event_format=self.event.format,
        )

    def get(self, request, pk):
        return self.page(self.form())

    def post(self, request, pk):
        form = self.form(request.POST)
        event, warnings = submit_plan(
            request,
            form,
            lambda plan, confirm: update_event(
                access=self.access,
                event=self.event,
                plan=plan,
                confirm_warnings=confirm,
            ),
        )
        if event is not None:
            messages.success(request, _("The event was saved."))
            return self.detail()
        return self.page(form, warnings)


# One event


class EventDetailView(EventPage, View):
    def get(self, request, pk):
        event = self.event
        counts = selectors.unit_counts(event)
        empty = {"confirmed": 0, "waitlisted": 0}
        sessions = list(event.sessions.all())
        now = timezone.now()
        can_plan = self.access.has(PLAN, event)
        return self.render(
            "events/event_detail.html",
            event=event,
            sessions=[
                {
                    "session": session,
                    "counts": counts.get(session.pk, empty),
                    "started": session.starts_at <= now,
                    "can_cancel": can_plan
                    and event.shape == ParentEvent.Shape.SERIES
                    and event.status in {ParentEvent.Status.DRAFT, ParentEvent.Status.PUBLISHED}
                    and not session.is_cancelled
                    and session.starts_at > now,
                }
                for session in sessions
            ],
            course_counts=counts.get(None, empty),
            counselling_total=sum(s.counselling_appointments or 0 for s in sessions),
            can_plan=can_plan,
            can_see_contacts=self.access.has(SEE_CONTACTS, event),
            can_record_attendance=self.access.has(RECORD_ATTENDANCE, event),
            can_edit=can_plan
            and event.status not in {ParentEvent.Status.CLOSED, ParentEvent.Status.CANCELLED},
            Status=ParentEvent.Status,
        )


class ActionView(ConfirmActionMixin):
    """An action on an event, its session, a registration or a message, asked first."""

    viewed = ""  # the page names a parent: why it is opened, for the access log

    def preline(self):
        return f"{self.event.title} · {self.event.family_centre.name}"

    def get(self, request, pk):
        if self.viewed:
            self.log(PersonalDataLog.Action.VIEW, self.viewed, record=self.record)
        return super().get(request, pk)


class EventPublishView(ActionView, EventPage, View):
    permission = PLAN
    title = gettext_lazy("Publish the event?")
    question = gettext_lazy(
        "Parents can then find and book it on the public pages. Its dates can no longer be changed."
    )
    button = gettext_lazy("Publish")
    success = gettext_lazy("The event is published.")

    def act(self, form):
        publish_event(access=self.access, event=self.event)


class EventCancelView(ActionView, EventPage, View):
    permission = PLAN
    form_class = CancelEventForm
    title = gettext_lazy("Cancel the event?")
    question = gettext_lazy(
        "Everyone registered is told: by e-mail, or the family centre calls them. This cannot "
        "be undone."
    )
    button = gettext_lazy("Cancel the event")
    success = gettext_lazy("The event is cancelled. The registered parents are being told.")

    def act(self, form):
        cancel_event(access=self.access, event=self.event, reason=form.cleaned_data["reason"])


class EventCloseView(ActionView, EventPage, View):
    permission = PLAN
    title = gettext_lazy("Close the event?")
    question = gettext_lazy(
        "Close the event once it was held and the attendance is recorded: afterwards nothing "
        "can be changed."
    )
    button = gettext_lazy("Close the event")
    success = gettext_lazy("The event is closed.")

    def act(self, form):
        close_event(access=self.access, event=self.event)


class SessionCancelView(ActionView, SessionPage, View):
    permission = PLAN
    question = gettext_lazy(
        "The people booked on this date are told. The other dates of the series stay as they are."
    )
    button = gettext_lazy("Cancel this date")
    success = gettext_lazy("The date is cancelled. The people booked on it are being told.")

    def texts(self):
        return super().texts() | {
            "title": _("Cancel the date %(date)s?") % {"date": exports.session_label(self.record)}
        }

    def act(self, form):
        cancel_session(access=self.access, session=self.record)


class RegistrationRemoveView(ActionView, RegistrationPage, View):
    permission = SEE_CONTACTS
    question = gettext_lazy(
        "The parent is told. A place that becomes free goes to the first person on the waiting "
        "list, who is told as well."
    )
    button = gettext_lazy("Remove the registration")
    success = gettext_lazy("The registration was removed.")
    viewed = gettext_lazy("Registration opened to remove it")

    def texts(self):
        return super().texts() | {
            "title": _("Remove the registration of %(name)s?")
            % {"name": self.record.first_name or "–"}
        }

    def act(self, form):
        remove_registration(access=self.access, registration=self.record)


class NotificationCalledView(ActionView, NotificationPage, View):
    permission = SEE_CONTACTS
    question = gettext_lazy("The message leaves the list of parents to call.")
    button = gettext_lazy("Yes, done")
    success = gettext_lazy("Marked as told by phone.")
    viewed = gettext_lazy("Message to pass on by phone opened")

    def texts(self):
        registration = self.record.registration
        return super().texts() | {
            "title": _("Did you tell %(name)s by phone: “%(message)s”?")
            % {"name": registration.first_name or "–", "message": self.record.get_kind_display()}
        }

    def act(self, form):
        mark_called(access=self.access, notification=self.record)


# Registrations, booking on a parent's behalf, attendance


class EventRegistrationsView(EventPage, View):
    """Who is booked, unit by unit, with the waiting list and the childcare to plan. Parents'
    contact details only for the family centre and the coordinator (every opening logged);
    speakers see first names and childcare."""

    permission = RECORD_ATTENDANCE

    def get(self, request, pk):
        event = self.event
        contacts = self.access.has(SEE_CONTACTS, event)
        units = selectors.units(event)
        query = request.GET.get("q", "").strip()[:100]
        self.log(PersonalDataLog.Action.VIEW, _("Registrations viewed"))
        return self.render(
            "events/event_registrations.html",
            event=event,
            units=units,
            query=query,
            found=selectors.find_registrations(event, query) if query else None,
            childcare=selectors.childcare_by_session(event, units),
            contacts=contacts,
            calls=list(selectors.calls_due(event)) if contacts else [],
            can_book=contacts and event.is_bookable,
        )


class BookingCodeView(AccessMixin, View):
    """A parent on the phone quotes her booking code: it opens the registrations of her event,
    the booking found (among the centres whose contacts this account may see)."""

    permission = SEE_CONTACTS

    def get(self, request, region_key):
        code = request.GET.get("code", "").strip()[:20]
        registration = selectors.registration_by_code(self.access, self.region, code)
        if registration is not None:
            url = reverse("event-registrations", args=[registration.event_id])
            return redirect(f"{url}?{urlencode({'q': registration.code})}#found-heading")
        return self.render("events/booking_code.html", code=code)


class RegistrationCreateView(EventPage, View):
    permission = SEE_CONTACTS

    def form(self, data=None):
        event = self.event
        now = timezone.now()
        counts = selectors.unit_counts(event)
        sessions = []
        for session in event.sessions.all():
            if session.is_cancelled or session.starts_at <= now:
                continue
            unit = counts.get(None if event.is_course else session.pk, {})
            free = 0 if unit.get("waitlisted") else event.capacity - unit.get("confirmed", 0)
            sessions.append((session, max(free, 0)))
        self.bookable = event.is_bookable and bool(sessions)
        return StaffBookingForm(
            data,
            event=event,
            sessions=sessions,
            consent=selectors.current_consent(ConsentText.Purpose.BOOKING),
            survey_consent=selectors.current_consent(ConsentText.Purpose.SURVEY),
        )

    def page(self, form):
        return self.render(
            "events/registration_form.html",
            event=self.event,
            form=form,
            bookable=self.bookable,
        )

    def get(self, request, pk):
        return self.page(self.form())

    def post(self, request, pk):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                registration, _token = book(
                    event_id=self.event.pk,
                    session_id=form.cleaned_data.get("session"),
                    booking=form.booking(),
                    access=self.access,
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                if registration.status == Registration.Status.CONFIRMED:
                    text = _("%(name)s is booked.")
                else:
                    text = _("The event is full: %(name)s is on the waiting list.")
                code = _("Booking code: %(code)s") % {"code": registration.code}
                messages.success(request, f"{text % {'name': registration.first_name}} {code}")
                return redirect("event-registrations", pk=self.event.pk)
        return self.page(form)


class SessionAttendanceView(SessionPage, View):
    """Who came, on a tablet: one large checkbox per confirmed person."""

    permission = RECORD_ATTENDANCE

    def form(self, data=None):
        session, event = self.record, self.event
        registrations = event.registrations.filter(
            status=Registration.Status.CONFIRMED, anonymised_at__isnull=True
        ).order_by("first_name", "pk")
        if not event.is_course:
            registrations = registrations.filter(session=session)
        registrations = list(registrations)
        present = set(session.attendees.values_list("pk", flat=True))
        return AttendanceForm(
            data,
            registrations=registrations,
            initial={
                "present": [r.pk for r in registrations if r.pk in present],
                "counselling_appointments": session.counselling_appointments,
            },
        )

    def page(self, form):
        return self.render(
            "events/session_attendance.html",
            event=self.event,
            session=self.record,
            form=form,
            started=self.record.starts_at <= timezone.now(),
        )

    def get(self, request, pk):
        self.log(PersonalDataLog.Action.VIEW, _("Attendance list viewed"))
        return self.page(self.form())

    def post(self, request, pk):
        form = self.form(request.POST)
        if submit(
            request,
            form,
            lambda data: record_attendance(
                access=self.access,
                session=self.record,
                present_ids=data["present"],
                counselling_appointments=data["counselling_appointments"],
            ),
            _("The attendance was saved."),
        ):
            return self.detail()
        return self.page(form)


event_export = exporters.alias("event-registrations")  # the registration list


class EventPrintView(EventPage, View):
    """A participant list per date to sign or tick, with the childcare to plan."""

    permission = RECORD_ATTENDANCE

    def get(self, request, pk):
        event = self.event
        units = selectors.units(event)
        by_unit = {unit.session.pk if unit.session else None: unit for unit in units}
        dates = [
            (session, by_unit.get(None if event.is_course else session.pk))
            for session in event.sessions.all()
            if not session.is_cancelled
        ]
        self.log(PersonalDataLog.Action.VIEW, _("Participant list printed"))
        return self.render(
            "events/event_print.html",
            event=event,
            dates=dates,
            childcare=selectors.childcare_by_session(event, units),
            contacts=self.access.has(SEE_CONTACTS, event),
            printed_at=timezone.now(),
        )


# The format catalogue (not of a region)


class FormatListView(AccessMixin, View):
    permission = SIGNED_IN
    programme_wide = True

    def get(self, request):
        return self.render(
            "events/format_list.html",
            formats=selectors.formats(),
            can_edit=self.access.has(CATALOGUE),
        )


class FormatUpdateView(AccessMixin, View):
    permission = CATALOGUE
    programme_wide = True

    @cached_property
    def event_format(self):
        pk = _id(self.kwargs.get("pk"))
        if pk is None:
            raise Http404
        return get_object_or_404(selectors.formats(), pk=pk)

    def page(self, form):
        return self.render("events/format_form.html", form=form, event_format=self.event_format)

    def get(self, request, pk):
        return self.page(FormatForm(event_format=self.event_format))

    def post(self, request, pk):
        form = FormatForm(request.POST, event_format=self.event_format)
        if submit(
            request,
            form,
            lambda _data: catalogue_services.update_format(
                access=self.access, event_format=self.event_format, data=form.catalogue_data()
            ),
            _("The format was saved."),
        ):
            return redirect(reverse("format-list") + f"#format-{self.event_format.pk}")
        return self.page(form)
