"""Attendance of a training session, on a tablet: one large checkbox per person assigned to
the session, an "all present" button, saved in one POST once the session has begun; and the
page that e-mails the attendees their certificates."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from neuewege.core.errors import DomainError
from neuewege.core.views.base import AccessMixin, add_domain_errors

from .. import certificates, selectors
from ..models import TrainingSession
from ..permissions import PLAN, RECORD_ATTENDANCE
from ..services.attendance import assigned, has_started, record_attendance


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Who attended?"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Tick everyone who attended."),
    )

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (registration.pk, f"{registration.full_name} – {registration.institution_name}")
            for registration in registrations
        ]


def _id(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


class SessionAttendanceView(AccessMixin, View):
    permission = RECORD_ATTENDANCE
    programme_wide = True  # a session of a state-wide training is of no region

    def get_record(self):
        pk = _id(self.kwargs.get("pk"))
        if pk is None:
            raise Http404
        try:
            return selectors.attendance_session(self.access, pk)
        except TrainingSession.DoesNotExist as error:
            raise Http404 from error

    def form(self, data=None):
        self.registrations = list(assigned(self.record).order_by("last_name", "first_name", "pk"))
        return AttendanceForm(
            data,
            registrations=self.registrations,
            initial={"present": [r.pk for r in self.registrations if r.attended]},
        )

    def page(self, form):
        session = self.record
        return self.render(
            "trainings/session_attendance.html",
            session=session,
            training=session.training,
            form=form,
            started=has_started(session),
            recorded=any(r.attended is not None for r in self.registrations),
            attendees=[r for r in self.registrations if r.attended],
            can_plan=self.access.has(PLAN, session.training),
        )

    def get(self, request, pk):
        return self.page(self.form())

    def post(self, request, pk):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.page(form)
        present = form.cleaned_data["present"]
        if "all_present" in request.POST:
            present = [registration.pk for registration in self.registrations]
        try:
            result = record_attendance(access=self.access, session=self.record, present_ids=present)
        except DomainError as error:
            add_domain_errors(form, error)
            return self.page(form)
        messages.success(
            request,
            _("The attendance was saved: %(present)s present, %(absent)s absent.")
            % {"present": result.present, "absent": result.absent},
        )
        if result.not_qualified:
            messages.warning(
                request,
                ngettext(
                    "%(names)s could not be recorded as qualified: their institution is not in "
                    "the register.",
                    "%(names)s could not be recorded as qualified: their institutions are not "
                    "in the register.",
                    len(result.not_qualified),
                )
                % {"names": ", ".join(r.full_name for r in result.not_qualified)},
            )
        return redirect("training-session-attendance", pk=self.record.pk)


class TrainingCertificatesSendView(AccessMixin, View):
    """Send each attendee their certificate by e-mail: how many, then a button."""

    permission = PLAN
    programme_wide = True  # a state-wide training is of no region

    def get_record(self):
        pk = _id(self.kwargs.get("pk"))
        training = selectors.trainings(self.access).filter(pk=pk).first() if pk else None
        if training is None:
            raise Http404
        return training

    def page(self, error=None):
        training = self.record
        return self.render(
            "trainings/certificates_send.html",
            training=training,
            attendees=selectors.attendees(training).count(),
            unsent=certificates.unsent(training).count(),
            error=error,
        )

    def get(self, request, pk):
        return self.page()

    def post(self, request, pk):
        try:
            count = certificates.send_certificates(access=self.access, training=self.record)
        except DomainError as error:
            return self.page(error=" ".join(error.messages()))
        messages.success(
            request,
            ngettext(
                "%(count)s certificate of attendance is being sent.",
                "%(count)s certificates of attendance are being sent.",
                count,
            )
            % {"count": count},
        )
        return redirect("training-certificates-send", pk=self.record.pk)
