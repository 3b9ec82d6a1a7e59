"""Trainings of a region and their sessions: list, plan, change, the steps of the status flow,
the training's page; sessions added, changed and cancelled."""

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from neuewege.core.views.base import AccessMixin, ConfirmActionMixin, submit

from .. import selectors
from ..forms import ReasonForm, SessionForm, TrainingForm, session_label
from ..models import Training, TrainingRegistration, TrainingSession
from ..permissions import PLAN, SEE
from ..services import trainings as services
from ._ids import record_id


class TrainingListView(AccessMixin, View):
    permission = SEE

    def get(self, request, region_key):
        return self.render(
            "trainings/training_list.html",
            trainings=selectors.region_trainings(self.access, self.region),
            can_plan=self.access.has(PLAN, self.region),
        )


class TrainingPage(AccessMixin):
    """A page of one training (``self.training``); also of the state's trainings without a
    region (then under the permission's programme reach)."""

    permission = SEE
    programme_wide = True

    def find(self, pk):
        return selectors.training_detail(self.access, pk)

    def get_record(self):
        pk = record_id(self.kwargs.get("pk"))
        if pk is None:
            raise Http404
        try:
            return self.find(pk)
        except (
            Training.DoesNotExist,
            TrainingSession.DoesNotExist,
            TrainingRegistration.DoesNotExist,
        ) as error:
            raise Http404 from error

    @property
    def training(self) -> Training:
        return self.record

    def detail(self):
        return redirect("training-detail", pk=self.training.pk)


class SessionPage(TrainingPage):
    def find(self, pk):
        return selectors.session_detail(self.access, pk)

    @property
    def training(self):
        return self.record.training


class StateTrainingListView(AccessMixin, View):
    """The state level's offers to the staff of every region: trainings without a region."""

    permission = PLAN
    programme_wide = True

    def get(self, request):
        return self.render(
            "trainings/state_training_list.html",
            trainings=selectors.region_trainings(self.access, None),
        )


class TrainingCreateView(AccessMixin, View):
    """Plan a training of the region in the address; without one (``programme_wide``, the
    state level's page): an offer to every region."""

    permission = PLAN

    def page(self, form):
        return self.render("trainings/training_form.html", form=form, training=None)

    def get(self, request, region_key=None):
        return self.page(TrainingForm())

    def post(self, request, region_key=None):
        form = TrainingForm(request.POST)
        training = submit(
            request,
            form,
            lambda data: services.plan_training(access=self.access, region=self.region, **data),
            _("The training is planned as a draft. Add its sessions next."),
        )
        if training is not None:
            return redirect("training-detail", pk=training.pk)
        return self.page(form)


class StateTrainingCreateView(TrainingCreateView):
    programme_wide = True


class TrainingUpdateView(TrainingPage, View):
    permission = PLAN

    def page(self, form):
        return self.render("trainings/training_form.html", form=form, training=self.training)

    def get(self, request, pk):
        return self.page(TrainingForm(training=self.training))

    def post(self, request, pk):
        form = TrainingForm(request.POST, training=self.training)
        if submit(
            request,
            form,
            lambda data: services.update_training(
                access=self.access, training=self.training, **data
            ),
            _("The training was saved."),
        ):
            return self.detail()
        return self.page(form)


class TrainingDetailView(TrainingPage, View):
    def get(self, request, pk):
        training = self.training
        can_plan = self.access.has(PLAN, training)
        live = training.status in services.LIVE
        return self.render(
            "trainings/training_detail.html",
            training=training,
            module=training.module,
            can_plan=can_plan,
            can_change=can_plan and live,
            steps=services.next_steps(training) if can_plan else [],
            sessions=selectors.session_rows(training),
            counts=selectors.registrant_counts(training),
            registration_url=request.build_absolute_uri(
                reverse("training-register", kwargs={"key": training.registration_key})
            ),
            Status=Training.Status,
        )


class ActionView(ConfirmActionMixin):
    """An action on a training, its session or a registration, asked first."""

    def preline(self):
        return self.training.title


class TransitionView(ActionView, TrainingPage, View):
    """One step of ``services.trainings.TRANSITIONS`` (``step``, given in the URL conf)."""

    permission = PLAN
    step = ""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        transition = services.TRANSITIONS[self.step]
        self.form_class = ReasonForm if self.step == "cancel" else None
        self.button, self.question, self.success = (
            transition.label,
            transition.question,
            transition.done,
        )

    def texts(self):
        return super().texts() | {"title": f"{self.button}?"}

    def act(self, form):
        services.transition(
            access=self.access,
            training=self.training,
            name=self.step,
            reason=form.cleaned_data["reason"] if form else "",
        )


# Sessions


class SessionCreateView(TrainingPage, View):
    """A new session of the training (``pk``: the training)."""

    permission = PLAN

    def page(self, form):
        return self.render(
            "trainings/session_form.html", form=form, training=self.training, session=None
        )

    def get(self, request, pk):
        return self.page(SessionForm(training=self.training))

    def post(self, request, pk):
        form = SessionForm(request.POST, training=self.training)
        if submit(
            request,
            form,
            lambda _data: services.add_session(
                access=self.access, training=self.training, plan=form.plan()
            ),
            _("The session was added."),
        ):
            return self.detail()
        return self.page(form)


class SessionUpdateView(SessionPage, View):
    permission = PLAN

    def page(self, form):
        return self.render(
            "trainings/session_form.html", form=form, training=self.training, session=self.record
        )

    def get(self, request, pk):
        return self.page(SessionForm(training=self.training, session=self.record))

    def post(self, request, pk):
        form = SessionForm(request.POST, training=self.training, session=self.record)
        if submit(
            request,
            form,
            lambda _data: services.update_session(
                access=self.access, session=self.record, plan=form.plan()
            ),
            _("The session was saved."),
        ):
            return self.detail()
        return self.page(form)


class SessionCancelView(ActionView, SessionPage, View):
    permission = PLAN
    question = gettext_lazy(
        "The people assigned to this session are told by e-mail. They stay registered and can "
        "be given another session."
    )
    button = gettext_lazy("Cancel this session")
    success = gettext_lazy("The session is cancelled. The people assigned to it are being told.")

    def texts(self):
        return super().texts() | {
            "title": _("Cancel the session of %(when)s?") % {"when": session_label(self.record)}
        }

    def act(self, form):
        services.cancel_session(access=self.access, session=self.record)
