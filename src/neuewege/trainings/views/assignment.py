"""The balanced assignment of a training: start or re-run it, follow its progress, read its
result (the mix per session as a chart with its table, the rules and how well each was met, each
person's session and reason, the waiting list), pin people to sessions, publish the groups."""

from django import forms
from django.contrib import messages
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from neuewege.core import progress
from neuewege.core.errors import DomainError
from neuewege.core.views.base import AccessMixin, progress_response, submit

from .. import assignment_report as report
from .. import selectors
from ..models import AssignmentRun, Training, TrainingRegistration
from ..permissions import PLAN
from ..services import assignment as services


class AssignmentForm(forms.Form):
    time_limit_seconds = forms.IntegerField(
        label=gettext_lazy("Time limit (seconds)"),
        min_value=1,
        max_value=services.MAX_TIME_LIMIT_SECONDS,
        initial=services.DEFAULT_TIME_LIMIT_SECONDS,
        help_text=gettext_lazy(
            "The solver stops after this time at the latest and keeps the best plan found."
        ),
    )


class PinForm(forms.Form):
    session = forms.TypedChoiceField(label=gettext_lazy("Session"), coerce=int)

    def __init__(self, *args, registration: TrainingRegistration, **kwargs):
        super().__init__(*args, **kwargs)
        available = set(registration.available_sessions.values_list("pk", flat=True))
        sessions = registration.training.sessions.filter(cancelled_at__isnull=True)
        self.sessions = {session.pk: session for session in sessions}
        self.fields["session"].choices = [
            (
                session.pk,
                label
                if session.pk in available
                else _("%(session)s – cannot attend") % {"session": label},
            )
            for session in sessions
            for label in [report.session_label(session)]
        ]
        if registration.session_id in self.sessions:
            self.fields["session"].initial = registration.session_id


def _assignment_url(training) -> str:
    return reverse("training-assignment", kwargs={"pk": training.pk})


class TrainingAssignmentView(AccessMixin, View):
    permission = PLAN
    programme_wide = True  # a training of the state level has no region

    def get_record(self):
        return get_object_or_404(selectors.trainings(self.access), pk=self.kwargs["pk"])

    def get(self, request, pk):
        latest = self.record.assignment_runs.first()
        if latest is not None:
            waiting = progress_response(
                self,
                latest,
                "trainings/assignment.html",
                **self.context(AssignmentForm(), latest),
            )
            if waiting is not None:
                return waiting
        return self.render("trainings/assignment.html", **self.context(AssignmentForm(), latest))

    def post(self, request, pk):
        form = AssignmentForm(request.POST)
        run = submit(
            request,
            form,
            lambda data: services.start_assignment(
                access=self.access,
                training=self.record,
                time_limit_seconds=data["time_limit_seconds"],
            ),
            _("The assignment has started."),
        )
        if run is None:
            latest = self.record.assignment_runs.first()
            return self.render("trainings/assignment.html", **self.context(form, latest))
        return redirect("training-assignment", pk=self.record.pk)

    def context(self, form, latest):
        training = self.record
        sessions = list(training.sessions.select_related("site").prefetch_related("trainers"))
        run = training.assignment_runs.filter(work_state=AssignmentRun.State.DONE).first()
        registrations = list(
            training.registrations.filter(status=TrainingRegistration.Status.CONFIRMED)
            .select_related("institution", "session")
            .prefetch_related("available_sessions")
            .order_by(F("session__starts_at").asc(nulls_last=True), "last_name", "first_name")
        )
        for registration in registrations:
            registration.available_ids = {s.pk for s in registration.available_sessions.all()}
        return {
            "training": training,
            "form": form,
            "latest": latest,
            "failed": latest is not None
            and (latest.work_state == latest.State.FAILED or progress.has_stalled(latest)),
            "label": _("Forming the groups (at most %(seconds)s seconds)")
            % {"seconds": latest.time_limit_seconds if latest else ""},
            "run": run,
            **result_context(run, sessions, registrations),
            "sessions": [session for session in sessions if session.cancelled_at is None],
            "registrations": registrations,
            "waiting_list": list(selectors.waiting_list(training)),
            "can_publish": training.status == Training.Status.ASSIGNED,
        }


def result_context(run, sessions, registrations) -> dict:
    result = run.result if run is not None else {}
    if not result or "sessions" not in result:
        return {"result": None}
    return {
        "result": result,
        "status_text": report.solver_status_text(result),
        "rules": report.rules_met(result),
        "session_rows": report.sessions_shown(result, sessions),
        "pin_relaxations": report.pin_relaxations_shown(result, sessions, registrations),
        "late_count": len(result.get("late", [])),
    }


class AssignmentRunDetailView(AccessMixin, View):
    """One run: its progress bar while it goes (the target of htmx's polling), then its result."""

    permission = PLAN
    programme_wide = True

    def get_record(self):
        return get_object_or_404(selectors.assignment_runs(self.access), pk=self.kwargs["pk"])

    def get(self, request, pk):
        run = self.record
        training = run.training
        context = {
            "run": run,
            "training": training,
            "label": _("Forming the groups (at most %(seconds)s seconds)")
            % {"seconds": run.time_limit_seconds},
        }
        waiting = progress_response(self, run, "trainings/assignment_run.html", **context)
        if waiting is not None:
            return waiting
        sessions = list(training.sessions.select_related("site"))
        registrations = list(training.registrations.all())
        names = {registration.pk: registration for registration in registrations}
        labels = report.session_labels(sessions)
        result = run.result or {}
        people = [
            {
                "registration": names.get(int(pk)),
                "reason": report.reason_text(reason, labels),
            }
            for pk, reason in (result.get("reasons") or {}).items()
        ]
        people.sort(key=lambda row: str(row["registration"] or ""))
        return self.render(
            "trainings/assignment_run.html",
            **context,
            **result_context(run, sessions, registrations),
            failed=run.work_state == run.State.FAILED or progress.has_stalled(run),
            people=people,
        )


class TrainingRegistrationPinView(AccessMixin, View):
    """Pin a registrant to a session (or take the pin away)."""

    permission = PLAN
    programme_wide = True

    def get_record(self):
        return get_object_or_404(selectors.registrations(self.access), pk=self.kwargs["pk"])

    def page(self, form):
        return self.render(
            "trainings/registration_pin.html",
            registration=self.record,
            training=self.record.training,
            form=form,
        )

    def get(self, request, pk):
        return self.page(PinForm(registration=self.record))

    def post(self, request, pk):
        registration = self.record
        if request.POST.get("action") == "unpin":
            services.unpin(access=self.access, registration=registration)
            messages.success(
                request, _("%(name)s is no longer pinned.") % {"name": registration.full_name}
            )
            return redirect(_assignment_url(registration.training) + "#people")
        form = PinForm(request.POST, registration=registration)
        saved = submit(
            request,
            form,
            lambda data: services.pin(
                access=self.access,
                registration=registration,
                session=form.sessions.get(data["session"]),
            ),
            _("%(name)s is pinned to the session.") % {"name": registration.full_name},
        )
        if saved is None:
            return self.page(form)
        return redirect(_assignment_url(registration.training) + "#people")


class TrainingPublishView(AccessMixin, View):
    """Publish the groups: a confirmation, then the messages."""

    permission = PLAN
    programme_wide = True

    def get_record(self):
        return get_object_or_404(selectors.trainings(self.access), pk=self.kwargs["pk"])

    def get(self, request, pk):
        return self.render("trainings/assignment_publish.html", training=self.record)

    def post(self, request, pk):
        try:
            count = services.publish(access=self.access, training=self.record)
        except DomainError as error:
            return self.render(
                "trainings/assignment_publish.html", training=self.record, errors=error.messages()
            )
        messages.success(
            request,
            _("The groups are published: %(count)s message(s) go out.") % {"count": count},
        )
        return redirect("training-assignment", pk=self.record.pk)
