"""Forms of the trainings app. They check the shape of the input; every rule is decided by the
services (``services.trainings``, ``services.registrations``) and the catalogue's
(``catalogue_services``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from neuewege.core.forms import checkboxes, date_field, time_field
from neuewege.core.limits import TrapMixin
from neuewege.core.models import EventFormat, Institution, Person

from .models import Module, Training
from .services.registrations import Application
from .services.trainings import SessionPlan

OTHER = "other"


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Module.Kind.choices)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 5}))
    # localized: a German user reads and types "7,5", not "7.5"
    duration_hours = forms.DecimalField(
        label=_("Duration (hours)"),
        min_value=0.5,
        max_value=40,
        decimal_places=1,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    credited_hours = forms.DecimalField(
        label=_("Hours of further training"),
        min_value=0,
        max_value=40,
        decimal_places=1,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    min_size = forms.IntegerField(label=_("Smallest group"), min_value=1, max_value=200)
    max_size = forms.IntegerField(label=_("Largest group"), min_value=1, max_value=200)
    target_kinds = checkboxes(_("For staff of"), Institution.Kind.choices)
    qualifies_for = checkboxes(_("Qualifies to moderate"), EventFormat.choices)
    active = forms.BooleanField(label=_("Offered"), required=False)

    @classmethod
    def for_module(cls, module: Module, data=None):
        initial = {name: getattr(module, name) for name in cls.base_fields}
        return cls(data, initial=initial)


class TrainingForm(forms.Form):
    module = forms.ModelChoiceField(
        label=_("Module"),
        queryset=Module.objects.filter(active=True),
        empty_label=_("Choose a module"),
        error_messages={"invalid_choice": _("Choose one of the modules.")},
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Note for registrants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the registration page, e.g. what to bring."),
    )
    registration_closes_on = date_field(_("Registration closes on"), required=False)

    def __init__(self, *args, training: Training | None = None, **kwargs):
        if training is not None:
            kwargs.setdefault(
                "initial",
                {
                    "module": training.module_id,
                    "title": training.title,
                    "description": training.description,
                    "registration_closes_on": training.registration_closes_on,
                },
            )
        super().__init__(*args, **kwargs)
        if training is not None:  # the training's own module, also when no longer offered
            self.fields["module"].queryset = Module.objects.filter(
                active=True
            ) | Module.objects.filter(pk=training.module_id)


class SessionForm(forms.Form):
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=Institution.objects.none(),
        required=False,
        empty_label=_("Another address (below)"),
        help_text=_("An institution of the region, or give an address."),
        error_messages={"invalid_choice": _("Choose one of the institutions.")},
    )
    site_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    site_postcode = forms.CharField(label=_("Postcode"), max_length=5, required=False)
    day = date_field(_("Date"))
    starts = time_field(_("Starts at"))
    ends = time_field(_("Ends at"))
    min_size = forms.IntegerField(label=_("At least (people)"), min_value=1, max_value=200)
    max_size = forms.IntegerField(label=_("At most (people)"), min_value=1, max_value=200)
    trainers = forms.ModelMultipleChoiceField(
        label=_("Trainers"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    trainer_names = forms.CharField(
        label=_("Trainers from outside"),
        max_length=300,
        required=False,
        help_text=_("Names, separated by commas."),
    )

    def __init__(self, *args, training: Training, session=None, **kwargs):
        if session is not None:
            from django.utils import timezone

            starts = timezone.localtime(session.starts_at)
            ends = timezone.localtime(session.ends_at)
            kwargs.setdefault(
                "initial",
                {
                    "site": session.site_id,
                    "site_address": session.site_address,
                    "site_postcode": session.site_postcode,
                    "day": starts.date(),
                    "starts": starts.time(),
                    "ends": ends.time(),
                    "min_size": session.min_size,
                    "max_size": session.max_size,
                    "trainers": [person.pk for person in session.trainers.all()],
                    "trainer_names": session.trainer_names,
                },
            )
        else:
            kwargs.setdefault(
                "initial",
                {"min_size": training.module.min_size, "max_size": training.module.max_size},
            )
        super().__init__(*args, **kwargs)
        if training.region_id is not None:
            self.fields["site"].queryset = Institution.objects.filter(
                region_id=training.region_id
            ).order_by("name")
            self.fields["trainers"].queryset = (
                Person.objects.filter(institution__region_id=training.region_id)
                .select_related("institution")
                .order_by("last_name", "first_name")
            )
        self.fields["trainers"].label_from_instance = lambda person: (
            f"{person.first_name} {person.last_name} ({person.institution.name})"
        )

    def plan(self) -> SessionPlan:
        data = self.cleaned_data
        return SessionPlan(
            day=data["day"],
            starts=data["starts"],
            ends=data["ends"],
            min_size=data["min_size"],
            max_size=data["max_size"],
            site=data["site"],
            site_address=data["site_address"],
            site_postcode=data["site_postcode"],
            trainers=list(data["trainers"]),
            trainer_names=data["trainer_names"],
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everyone registered is told this reason."),
        error_messages={"required": _("Give a reason: the registrants are told it.")},
    )


def session_label(session) -> str:
    from django.utils import formats, timezone

    starts = timezone.localtime(session.starts_at)
    ends = timezone.localtime(session.ends_at)
    return (
        f"{formats.date_format(starts, 'l, j. F Y')}, {starts:%H:%M}–{ends:%H:%M}, {session.place}"
    )


class RegistrationForm(TrapMixin, forms.Form):
    """The professionals' registration page."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(
        label=_("Work e-mail address"),
        max_length=254,
        help_text=_("We send you a link to confirm your registration to this address."),
    )
    institution = forms.ChoiceField(
        label=_("Your institution"),
        error_messages={"invalid_choice": _("Choose your institution from the list.")},
    )
    other_institution = forms.CharField(
        label=_("Name of your institution"),
        max_length=200,
        required=False,
        help_text=_("Only if your institution is not in the list."),
    )
    other_kind = forms.ChoiceField(
        label=_("Kind of your institution"),
        required=False,
        choices=[("", _("Choose")), *list(Institution.Kind.choices)],
        help_text=_("Only if your institution is not in the list."),
    )
    sessions = forms.MultipleChoiceField(
        label=_("Which sessions can you attend?"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every session you can attend: the more, the likelier a place."),
        error_messages={
            "required": _("Choose at least one session you can attend."),
            "invalid_choice": _("Choose only sessions of this training."),
        },
    )
    first_choice = forms.ChoiceField(label=_("First choice"), required=False)
    second_choice = forms.ChoiceField(label=_("Second choice"), required=False)

    def __init__(self, *args, training: Training, institutions, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        grouped = {}
        for institution in institutions:
            grouped.setdefault(institution.get_kind_display(), []).append(
                (str(institution.pk), institution.name)
            )
        self.fields["institution"].choices = [
            ("", _("Choose your institution")),
            *list(grouped.items()),
            (OTHER, _("Another institution (give its name below)")),
        ]
        session_choices = [(str(session.pk), session_label(session)) for session in sessions]
        self.fields["sessions"].choices = session_choices
        no_choice = [("", _("No preference"))]
        self.fields["first_choice"].choices = no_choice + session_choices
        self.fields["second_choice"].choices = no_choice + session_choices
        for name in ("first_choice", "second_choice"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "Choose one of the sessions of this training."
            )

    def clean(self):
        data = super().clean()
        first, second = data.get("first_choice"), data.get("second_choice")
        if second and not first:
            self.add_error("first_choice", _("Give your first choice before your second."))
        elif first and first == second:
            self.add_error("second_choice", _("Choose a different session as second choice."))
        return data

    def application(self) -> Application:
        data = self.cleaned_data
        chosen = data["institution"]
        return Application(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            institution_id=None if chosen == OTHER else int(chosen),
            other_institution=data["other_institution"],
            other_kind=data["other_kind"],
            session_ids=[int(pk) for pk in data["sessions"]],
            preference_ids=[
                int(pk) for pk in (data.get("first_choice"), data.get("second_choice")) if pk
            ],
        )


class BulkRegistrationForm(forms.Form):
    people = forms.MultipleChoiceField(
        label=_("People"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one person.")},
    )
    sessions = forms.MultipleChoiceField(
        label=_("Sessions they can attend"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one session they can attend.")},
    )

    def __init__(self, *args, people, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = [
            (
                str(person.pk),
                f"{person.last_name}, {person.first_name} · {person.institution.name}"
                + ("" if person.email else f" ({_('no e-mail')})"),
            )
            for person in people
        ]
        self.fields["sessions"].choices = [
            (str(session.pk), session_label(session)) for session in sessions
        ]
