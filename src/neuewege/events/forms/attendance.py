"""Recording who came to a date, and the counselling appointments agreed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..exports import children_text


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Who came?"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick everyone who came."),
    )
    counselling_appointments = forms.IntegerField(
        label=_("Individual counselling appointments agreed"),
        required=False,
        min_value=0,
        max_value=500,
        help_text=_("How many parents agreed an appointment with the speakers afterwards."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (registration.pk, attendee_label(registration)) for registration in registrations
        ]


def attendee_label(registration):
    children = children_text(registration.child_ages)
    return f"{registration.first_name} – {children}" if children else registration.first_name
