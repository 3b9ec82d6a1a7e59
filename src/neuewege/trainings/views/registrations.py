"""Registrations of a training on the staff pages: the list, registering people of the region
in bulk, removing a registration."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from neuewege.core.errors import DomainError
from neuewege.core.models import Institution
from neuewege.core.views.base import add_domain_errors

from .. import selectors
from ..forms import BulkRegistrationForm
from ..permissions import PLAN
from ..services.registrations import cancel_registration, register_people
from .trainings import ActionView, TrainingPage


class RegistrationListView(TrainingPage, View):
    permission = PLAN

    def get(self, request, pk):
        return self.render(
            "trainings/registration_list.html",
            training=self.training,
            registrations=selectors.training_registrations(self.training),
            can_change=self.training.status
            in {
                self.training.Status.DRAFT,
                self.training.Status.OPEN,
                self.training.Status.ASSIGNED,
            },
        )


class RegistrationsAddView(TrainingPage, View):
    """Register people of the region's person list at once (confirmed)."""

    permission = PLAN

    def kind(self):
        kind = self.request.GET.get("kind", "")
        return kind if kind in Institution.Kind.values else ""

    def form(self, data=None):
        region = self.training.region
        people = selectors.region_people(region, self.kind()) if region else []
        return BulkRegistrationForm(
            data, people=people, sessions=selectors.open_sessions(self.training)
        )

    def page(self, form):
        return self.render(
            "trainings/registrations_add.html",
            training=self.training,
            form=form,
            kind=self.kind(),
            kinds=Institution.Kind.choices,
        )

    def get(self, request, pk):
        return self.page(self.form())

    def post(self, request, pk):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.page(form)
        try:
            result = register_people(
                access=self.access,
                training=self.training,
                person_ids=[int(value) for value in form.cleaned_data["people"]],
                session_ids=[int(value) for value in form.cleaned_data["sessions"]],
            )
        except DomainError as error:
            add_domain_errors(form, error)
            return self.page(form)
        messages.success(
            request,
            ngettext(
                "%(count)s person was registered.",
                "%(count)s people were registered.",
                len(result.registered),
            )
            % {"count": len(result.registered)},
        )
        if result.without_email:
            messages.warning(
                request,
                _("Skipped, without an e-mail address: %(names)s")
                % {"names": ", ".join(_name(person) for person in result.without_email)},
            )
        if result.already:
            messages.warning(
                request,
                _("Skipped, already registered: %(names)s")
                % {"names": ", ".join(_name(person) for person in result.already)},
            )
        return self.registrations()

    def registrations(self):
        return redirect("training-registrations", pk=self.training.pk)


def _name(person):
    return f"{person.first_name} {person.last_name}"


class RegistrationCancelView(ActionView, TrainingPage, View):
    permission = PLAN
    question = gettext_lazy(
        "A place in a group that becomes free goes to the first person on the waiting list, who "
        "is told by e-mail."
    )
    button = gettext_lazy("Remove the registration")
    success = gettext_lazy("The registration was removed.")

    def find(self, pk):
        return selectors.registration_detail(self.access, pk)

    @property
    def training(self):
        return self.record.training

    def detail(self):
        return redirect("training-registrations", pk=self.training.pk)

    def texts(self):
        return super().texts() | {
            "title": _("Remove the registration of %(name)s?") % {"name": self.record.full_name}
        }

    def act(self, form):
        cancel_registration(access=self.access, registration=self.record)
