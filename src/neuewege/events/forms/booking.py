"""Forms of the pages for parents: the event search and the booking form. They check the shape
of the input only; the rules of a booking (one way of contact, children's ages, consent) are
``services.booking.check_booking``'s, so every message comes from one place."""

import re
import secrets

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from neuewege.core.limits import TrapMixin

from ..models import Format, SpokenLanguage
from ..search import DEFAULT_RADIUS_KM, MAX_ID, RADII_KM
from ..services.booking import Booking

POSTCODE = re.compile(r"^\d{5}$")
AGE = re.compile(r"^-?\d{1,3}$")
AGE_SEPARATORS = re.compile(r"[\s,;/+&\u060c]+")  # incl. the Arabic comma
FIELD_TEMPLATE = "events/public/_field.html"  # a field without the "optional" mark
CONSENT_TEMPLATE = "events/public/_consent_field.html"


class EventSearchForm(forms.Form):
    """GET form of the event list; every field optional."""

    plz = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=5,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "size": 6}
        ),
        error_messages={"max_length": _("A postcode has 5 digits, for example 46483.")},
    )
    ort = forms.CharField(
        label=_("or town"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    radius = forms.TypedChoiceField(
        label=_("Distance"),
        choices=[(km, format_lazy(_("up to {km} km"), km=km)) for km in RADII_KM],
        coerce=int,
        initial=DEFAULT_RADIUS_KM,
        error_messages={"invalid_choice": _("Choose one of the distances.")},
        required=False,
        empty_value=DEFAULT_RADIUS_KM,
    )
    format = forms.ChoiceField(
        label=_("Kind of event"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the kinds of event.")},
    )
    ab = forms.DateField(
        label=_("From date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={"invalid": _("Enter a date like 24.03.2026.")},
    )
    sprache = forms.ChoiceField(
        label=_("Language spoken at the event"),
        required=False,
        choices=[("", _("Any language")), *SpokenLanguage.choices],
        error_messages={"invalid_choice": _("Choose one of the languages.")},
    )

    def clean_ab(self):
        value = self.cleaned_data["ab"]
        if value and not 2000 <= value.year <= 2099:
            raise forms.ValidationError(_("Enter a date like 24.03.2026."))
        return value

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("radius"):
            data = data.copy()  # show the distance that is searched with
            data["radius"] = str(DEFAULT_RADIUS_KM)
        super().__init__(data, *args, **kwargs)
        for field in self.fields.values():
            field.template_name = FIELD_TEMPLATE
        self.fields["format"].choices = [("", _("All kinds"))] + [
            (event_format.code, event_format.name) for event_format in Format.objects.all()
        ]

    def clean_plz(self):
        postcode = self.cleaned_data["plz"].strip()
        if postcode and not POSTCODE.match(postcode):
            raise forms.ValidationError(_("A postcode has 5 digits, for example 46483."))
        return postcode


def parse_child_ages(text: str) -> list[int]:
    """ "2, 4" → [2, 4]; words instead of numbers are an error (the service checks the range)."""
    tokens = [token for token in AGE_SEPARATORS.split((text or "").strip()) if token]
    if any(not AGE.match(token) for token in tokens):
        raise forms.ValidationError(
            _("Write the ages as numbers with a comma between them, for example: 2, 4.")
        )
    return [int(token) for token in tokens]


class BookingForm(TrapMixin, forms.Form):
    """A parent's details for one booking. ``consent`` and ``survey_consent`` are the consent
    texts shown next to the two checkboxes."""

    session = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        error_messages={"required": _("Enter your first name.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        help_text=_("With an e-mail address you get a confirmation and a reminder."),
        widget=forms.TextInput(
            attrs={
                "type": "email",
                "autocomplete": "email",
                "inputmode": "email",
                "spellcheck": "false",
            }
        ),
    )
    child_ages = forms.CharField(
        label=_("Ages of the children who need care"),
        required=False,
        max_length=100,
        help_text=_(
            "For example: 2, 4. Leave the field empty if you do not need childcare. Children "
            "up to 14 years."
        ),
    )
    language_needs = forms.CharField(
        label=_("Do you need help with the language?"),
        required=False,
        max_length=200,
        help_text=_("For example: I speak Arabic and a little German."),
    )
    consent = forms.BooleanField(
        label=_("Yes, I agree to this."),
        error_messages={"required": _("Please agree to the processing of your details.")},
    )
    consent_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID
    )
    survey_consent = forms.BooleanField(
        label=_("Yes, you may invite me to the survey."),
        required=False,
    )
    survey_consent_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID
    )

    def __init__(self, *args, consent, survey_consent, childcare_offered=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent_text, self.survey_text = consent, survey_consent
        # one of phone and e-mail is needed: neither is marked "optional"
        for name in ("phone", "email"):
            self.fields[name].template_name = FIELD_TEMPLATE
        # the consent texts (in the page's language) stand above their checkboxes
        self.fields["consent"].template_name = CONSENT_TEMPLATE
        self.fields["survey_consent"].template_name = CONSENT_TEMPLATE
        if consent is not None:
            self.fields["consent"].help_text = consent.text
            self.fields["consent_version"].initial = consent.pk
        if survey_consent is not None:
            self.fields["survey_consent"].help_text = survey_consent.text
            self.fields["survey_consent_version"].initial = survey_consent.pk
        else:
            del self.fields["survey_consent"], self.fields["survey_consent_version"]
        if not childcare_offered:
            del self.fields["child_ages"]

    def clean_child_ages(self):
        return parse_child_ages(self.cleaned_data["child_ages"])

    def booking(self, language: str) -> Booking:
        """The answers given (of a form with errors: those that are valid, so that the service
        can name its problems in the same round)."""
        data = getattr(self, "cleaned_data", {})
        survey = consent = None
        if data.get("survey_consent"):
            survey = data.get("survey_consent_version") or getattr(self.survey_text, "pk", None)
        if data.get("consent"):
            consent = data.get("consent_version") or getattr(self.consent_text, "pk", None)
        return Booking(
            first_name=data.get("first_name", ""),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            child_ages=data.get("child_ages") or [],
            language_needs=data.get("language_needs", ""),
            language=language,
            consent_id=consent,
            survey_consent_id=survey,
        )

    def pending(self, booking: Booking) -> dict:
        """The checked answers, as kept in the session until the parent confirms, with a key
        of their own: confirming the same answers twice books once."""
        return {
            "submission": secrets.token_hex(16),
            "session": self.cleaned_data.get("session"),
            "first_name": booking.first_name,
            "email": booking.email,
            "phone": booking.phone,
            "child_ages": booking.child_ages,
            "language_needs": booking.language_needs,
            "consent_id": booking.consent_id,
            "survey_consent_id": booking.survey_consent_id,
        }


def form_data(pending: dict) -> dict:
    """The booking form's data from pending answers (to change them, or to show errors)."""
    data = {
        "session": pending.get("session") or "",
        "first_name": pending.get("first_name", ""),
        "email": pending.get("email", ""),
        "phone": pending.get("phone", ""),
        "child_ages": ", ".join(str(age) for age in pending.get("child_ages") or []),
        "language_needs": pending.get("language_needs", ""),
        "consent_version": pending.get("consent_id") or "",
    }
    if pending.get("consent_id"):
        data["consent"] = "on"
    if pending.get("survey_consent_id"):
        data["survey_consent"] = "on"
        data["survey_consent_version"] = pending["survey_consent_id"]
    return data
