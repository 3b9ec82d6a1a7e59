"""Booking on a parent's behalf (by phone or at the door): the same rules as the online
booking, decided by ``services.booking.check_booking``."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from ..exports import session_label
from ..services.booking import Booking
from .booking import parse_child_ages
from .translations import TRANSLATED_LANGUAGES


class StaffBookingForm(forms.Form):
    """The details a parent gives by phone or at the door; the same rules as the online
    booking (``services.booking.check_booking``)."""

    session = forms.TypedChoiceField(
        label=_("Date"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the dates.")},
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Enter the parent's first name.")},
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        help_text=_(
            "A phone number or an e-mail address is needed. With an e-mail address the parent "
            "gets a confirmation and a reminder; without one, the centre calls them."
        ),
        widget=forms.TextInput(
            attrs={"type": "email", "inputmode": "email", "autocomplete": "off"}
        ),
    )
    child_ages = forms.CharField(
        label=_("Ages of the children who need care"),
        required=False,
        max_length=100,
        help_text=_("For example: 2, 4. Leave empty if no childcare is needed."),
    )
    language_needs = forms.CharField(
        label=_("Language needs"),
        required=False,
        max_length=200,
        help_text=_("For example: speaks Arabic and a little German."),
    )
    language = forms.ChoiceField(
        label=_("Language of the messages to the parent"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )
    consent = forms.BooleanField(
        label=_("The parent agreed to the processing of their details (text read out)"),
        error_messages={
            "required": _("Read the text out to the parent; tick the box when they agree.")
        },
    )
    survey_consent = forms.BooleanField(
        label=_("The parent agreed to be invited to the follow-up survey (text read out)"),
        required=False,
    )

    def __init__(self, *args, event, sessions, consent, survey_consent, **kwargs):
        """``sessions``: [(session, free places)] of the dates still bookable."""
        super().__init__(*args, **kwargs)
        self.consent_text, self.survey_text = consent, survey_consent
        self.fields["consent"].widget.attrs["aria-describedby"] = "consent-text"
        if event.is_course:
            del self.fields["session"]
        else:
            self.fields["session"].choices = [
                (session.pk, places_label(session, free)) for session, free in sessions
            ]
            if len(sessions) == 1:
                self.fields["session"].initial = sessions[0][0].pk
        if survey_consent is None:
            del self.fields["survey_consent"]
        else:
            self.fields["survey_consent"].widget.attrs["aria-describedby"] = "survey-consent-text"
        if not event.childcare_offered:
            del self.fields["child_ages"]

    def clean_child_ages(self):
        return parse_child_ages(self.cleaned_data["child_ages"])

    @property
    def consent_translations(self):
        """[(code, language, text, right to left)]: the consent text to read out in the
        parent's language."""
        if self.consent_text is None:
            return []
        result = []
        for code, language in TRANSLATED_LANGUAGES:
            text = getattr(self.consent_text, f"text_{code}", None)
            if text:
                result.append((code, language, text, get_language_info(code)["bidi"]))
        return result

    def booking(self) -> Booking:
        data = self.cleaned_data
        return Booking(
            first_name=data["first_name"],
            email=data["email"],
            phone=data["phone"],
            child_ages=data.get("child_ages") or [],
            language_needs=data["language_needs"],
            language=data["language"],
            consent_id=self.consent_text.pk if self.consent_text and data["consent"] else None,
            survey_consent_id=self.survey_text.pk
            if self.survey_text and data.get("survey_consent")
            else None,
        )


def places_label(session, free):
    places = _("%(count)s place(s) free") % {"count": free} if free > 0 else _("full: waiting list")
    return f"{session_label(session)} – {places}"
