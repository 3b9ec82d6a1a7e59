"""Forms of regional cooperation. They check the shape of the input; the rules are decided by
the services. Choices of people, institutions and meetings are limited to the page's region."""

from datetime import datetime
from itertools import groupby

from django import forms
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from neuewege.core.forms import checkboxes, date_field, time_field
from neuewege.core.models import Institution, Person
from neuewege.events.models import EventSession, ParentEvent

from . import services
from .indicators import INDICATORS
from .models import CHECK_QUESTIONS, Element, Material, Meeting, ProgrammeOffer, Task
from .services import MATERIAL_FILE_TYPES, MAX_MATERIAL_MB

DECISION_ROWS = 3


def text(label, help_text="", rows=4):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def event_label(event):
    if event.first_date is None:
        return str(event.title)
    return f"{event.title} ({timezone.localtime(event.first_date):%d.%m.%Y})"


def person_label(person):
    return f"{person.last_name}, {person.first_name} ({person.institution.name})"


def people_field(queryset, label, *, multiple=False, required=False):
    field_class = forms.ModelMultipleChoiceField if multiple else forms.ModelChoiceField
    widget = forms.CheckboxSelectMultiple if multiple else forms.Select
    field = field_class(
        queryset=queryset.select_related("institution").order_by("last_name", "first_name"),
        label=label,
        required=required,
        widget=widget,
    )
    field.label_from_instance = person_label
    return field


class RegionCheckForm(forms.Form):
    """The four parts of the Regionen-Check with the programme's guiding questions."""

    PARTS = [
        (_("Date and participants"), ["held_on", "participants"]),
        (_("1. Regional conditions"), ["existing_structures", "conflicts"]),
        (_("2. Goals"), ["expectations"]),
        (_("3. Neue Wege NRW"), ["elements", "support_needed", "offers"]),
        (_("4. Next steps"), ["planning", "agreements", "dates"]),
    ]

    held_on = date_field(CHECK_QUESTIONS["held_on"])
    participants = text(
        CHECK_QUESTIONS["participants"],
        _("Who took part: institutions and names, one per line."),
        rows=3,
    )
    existing_structures = text(
        CHECK_QUESTIONS["existing_structures"],
        _("Working groups, networks, agreements between AA, JC, Jugendamt and family centres."),
    )
    conflicts = text(CHECK_QUESTIONS["conflicts"])
    expectations = text(CHECK_QUESTIONS["expectations"])
    elements = checkboxes(CHECK_QUESTIONS["elements"], Element.choices)
    support_needed = text(CHECK_QUESTIONS["support_needed"])
    offers = checkboxes(CHECK_QUESTIONS["offers"], ProgrammeOffer.choices)
    planning = text(CHECK_QUESTIONS["planning"], _("What happens next, and who takes care of it."))
    agreements = text(CHECK_QUESTIONS["agreements"], _("What was agreed, and between whom."))
    dates = text(CHECK_QUESTIONS["dates"], _("The next dates, e.g. of the steering group."), rows=3)

    def parts(self):
        return [(title, [self[name] for name in names]) for title, names in self.PARTS]


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    element = forms.ChoiceField(
        label=_("Element of Neue Wege"), choices=[("", "—"), *Element.choices], required=False
    )
    institution = forms.ModelChoiceField(
        queryset=Institution.objects.none(), label=_("Institution"), required=False
    )
    due_on = date_field(_("Due on"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Task.Status.choices)
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        label=_("Fulfilled by meeting"),
        help_text=_("The task counts as done once this meeting is scheduled."),
        required=False,
    )
    event = forms.ModelChoiceField(
        queryset=ParentEvent.objects.none(),
        label=_("Fulfilled by event"),
        help_text=_("The task counts as done once this event is published."),
        required=False,
    )
    notes = text(_("Notes"), rows=3)

    def __init__(self, *args, region, owner_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        if owner_only:  # the person the task is given to: status and notes
            for name in list(self.fields):
                if name not in {"status", "notes"}:
                    del self.fields[name]
            return
        self.fields["owner"] = people_field(
            Person.objects.filter(institution__region=region), _("Owner")
        )
        self.order_fields(["title", "element", "owner"])
        self.fields["institution"].queryset = Institution.objects.filter(region=region).order_by(
            "name"
        )
        self.fields["meeting"].queryset = Meeting.objects.filter(region=region)
        first_dates = EventSession.objects.filter(
            event=OuterRef("pk"), is_cancelled=False
        ).order_by("starts_at")
        events = (
            ParentEvent.objects.filter(family_centre__region=region)
            .filter(  # events in planning, and those tasks name already
                Q(status__in=[ParentEvent.Status.DRAFT, ParentEvent.Status.PUBLISHED])
                | Q(fulfilled_tasks__isnull=False)
            )
            .distinct()
            .select_related("family_centre")
            .annotate(first_date=Subquery(first_dates.values("starts_at")[:1]))
            .order_by("family_centre__name", "first_date", "pk")
        )
        self.fields["event"].queryset = events
        self.fields["event"].choices = [  # grouped by family centre, each with its first date
            ("", "---------"),
            *(
                (centre, [(event.pk, event_label(event)) for event in centre_events])
                for centre, centre_events in groupby(events, lambda event: event.family_centre.name)
            ),
        ]


class MeetingForm(forms.Form):
    SERVICE_FIELDS = {"starts_at": "date", "ends_at": "ends"}  # the services' names
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    date = date_field(_("Date"))
    starts = time_field(_("From"))
    ends = time_field(_("Until"))
    place = forms.CharField(label=_("Place"), max_length=200)
    agenda = text(_("Agenda"), _("One item per line."), rows=6)

    def clean(self):
        data = super().clean()
        day, starts, ends = data.get("date"), data.get("starts"), data.get("ends")
        if day and starts and ends:
            if ends <= starts:
                self.add_error("ends", _("The meeting must end after it starts."))
            data["starts_at"] = timezone.make_aware(datetime.combine(day, starts))
            data["ends_at"] = timezone.make_aware(datetime.combine(day, ends))
        return data

    def add_error(self, field, error):
        super().add_error(self.SERVICE_FIELDS.get(field, field), error)

    def meeting_data(self):
        data = self.cleaned_data
        return {name: data[name] for name in ("kind", "starts_at", "ends_at", "place", "agenda")}

    @staticmethod
    def initial_for(meeting: Meeting):
        starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        return {
            "kind": meeting.kind,
            "date": starts.date(),
            "starts": starts.time(),
            "ends": ends.time(),
            "place": meeting.place,
            "agenda": meeting.agenda,
            "is_cancelled": meeting.is_cancelled,
        }


class MeetingEditForm(MeetingForm):
    is_cancelled = forms.BooleanField(
        label=_("The meeting is cancelled"),
        required=False,
        help_text=_("A task this meeting carries out counts as open again."),
    )

    def meeting_data(self):
        return super().meeting_data() | {"is_cancelled": self.cleaned_data["is_cancelled"]}


class MinutesForm(forms.Form):
    minutes = text(_("Minutes"), rows=10)

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(institution__region=region)
        self.fields["attendees"] = people_field(people, _("Present"), multiple=True)
        for number in range(1, DECISION_ROWS + 1):
            self.fields[f"decision_{number}_title"] = forms.CharField(
                label=_("Decision %(number)s") % {"number": number},
                max_length=200,
                required=False,
            )
            self.fields[f"decision_{number}_owner"] = people_field(people, _("Owner"))
            self.fields[f"decision_{number}_due_on"] = date_field(_("Due on"), required=False)

    def decision_rows(self):
        return [
            [self[f"decision_{number}_{part}"] for part in ("title", "owner", "due_on")]
            for number in range(1, DECISION_ROWS + 1)
        ]

    def decisions(self):
        """The rows with a title, as the service takes them."""
        data = self.cleaned_data
        return [
            {
                "title": data[f"decision_{number}_title"],
                "owner": data[f"decision_{number}_owner"],
                "due_on": data[f"decision_{number}_due_on"],
            }
            for number in range(1, DECISION_ROWS + 1)
            if data.get(f"decision_{number}_title")
        ]


class SteeringGroupForm(forms.Form):
    founded_on = date_field(_("Founded on"), required=False)
    is_active = forms.BooleanField(label=_("The steering group meets"), required=False)

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(institution__region=region)
        self.fields["coordinator"] = people_field(people, _("Regional coordinator"))
        self.fields["institutions"] = forms.ModelMultipleChoiceField(
            queryset=Institution.objects.filter(region=region).order_by("kind", "name"),
            label=_("Member institutions"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["members"] = people_field(people, _("Members"), multiple=True)
        self.order_fields(["coordinator", "founded_on", "is_active", "institutions", "members"])


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=200)
    indicator = forms.ChoiceField(
        label=_("Measured by"),
        required=False,
        help_text=_("A figure Neue Wege computes from the events, or values you enter by hand."),
    )
    unit = forms.CharField(
        label=_("Unit (for values entered by hand)"), max_length=60, required=False
    )
    target_value = forms.IntegerField(label=_("Target value"), min_value=1)
    target_date = date_field(_("To be reached by"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", _("Values entered by hand"))] + [
            (code, indicator.label) for code, indicator in INDICATORS.items()
        ]


class MeasurementForm(forms.Form):
    value = forms.IntegerField(label=_("Value"), min_value=0)
    measured_on = date_field(_("Measured on"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class MaterialForm(forms.Form):
    """Describe a material and, when creating it or bringing a new version, upload its file."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Material.Kind.choices)
    description = text(_("Description"), _("What it is for, and for whom."), rows=3)
    elements = checkboxes(_("Elements of Neue Wege it belongs to"), Element.choices)
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument or image, at most %(mb)s MB.")
        % {"mb": MAX_MATERIAL_MB},
        widget=forms.FileInput(attrs={"accept": ",".join(MATERIAL_FILE_TYPES)}),
    )
    change_note = forms.CharField(
        label=_("What changed in this version?"), max_length=200, required=False
    )

    def material_data(self):
        return {name: self.cleaned_data[name] for name in services.MATERIAL_FIELDS}
