"""The search form of the directory, the same for parents and staff (a GET form; every field
optional). It checks the shape of the input; an unknown postcode is ``events.search.locate``'s
message, at the field."""

from functools import lru_cache

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from neuewege.events.forms.booking import FIELD_TEMPLATE, POSTCODE

from .languages import CODES, language_label
from .selectors import DEFAULT_RADIUS_KM, RADII_KM, OfferSearch
from .taxonomy import TERMS
from .widgets import Select


@lru_cache(maxsize=1)
def need_choices():
    """The top needs of the taxonomy as groups: the need as a whole, then its narrower needs
    (lazy texts: in the language of the page they are shown on)."""
    choices = [("", _("Any kind of help"))]
    for term in TERMS:
        if term.parent is None:
            narrower = [(t.code, t.label) for t in TERMS if t.parent == term.code]
            whole = (
                format_lazy(_("{need}: all offers"), need=term.label) if narrower else term.label
            )
            choices.append((term.label, [(term.code, whole), *narrower]))
    return choices


def language_choices():
    """The languages of the parents' pages, then the others offers may be given in (by name in
    the active language)."""
    return _language_choices(get_language())


@lru_cache(maxsize=32)
def _language_choices(_language):
    ours = [code for code, _name in settings.LANGUAGES]
    others = sorted(CODES - set(ours), key=lambda code: str(language_label(code)))
    return [("", _("Any language"))] + [(code, language_label(code)) for code in ours + others]


class OfferSearchForm(forms.Form):
    bedarf = forms.ChoiceField(
        label=_("What do you need help with?"),
        required=False,
        widget=Select,
        error_messages={"invalid_choice": _("Choose one of the topics.")},
    )
    plz = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=5,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "size": 6}
        ),
        error_messages={"max_length": _("A postcode has 5 digits, for example 46483.")},
    )
    radius = forms.TypedChoiceField(
        label=_("Distance"),
        choices=[(km, format_lazy(_("up to {km} km"), km=km)) for km in RADII_KM],
        coerce=int,
        required=False,
        widget=Select,
        empty_value=DEFAULT_RADIUS_KM,
        error_messages={"invalid_choice": _("Choose one of the distances.")},
    )
    sprache = forms.ChoiceField(
        label=_("Language spoken"),
        required=False,
        widget=Select,
        error_messages={"invalid_choice": _("Choose one of the languages.")},
    )
    barrierefrei = forms.BooleanField(label=_("Step-free access"), required=False)
    offen = forms.BooleanField(label=_("Open now"), required=False)

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("radius"):
            data = data.copy()  # show the distance that is searched with
            data["radius"] = str(DEFAULT_RADIUS_KM)
        super().__init__(data, *args, **kwargs)
        self.fields["bedarf"].choices = need_choices()
        self.fields["sprache"].choices = language_choices()
        for name in ("bedarf", "plz", "radius", "sprache"):
            self.fields[name].template_name = FIELD_TEMPLATE

    def clean_plz(self):
        postcode = self.cleaned_data["plz"].strip()
        if postcode and not POSTCODE.match(postcode):
            raise forms.ValidationError(_("A postcode has 5 digits, for example 46483."))
        return postcode

    def search(self, point) -> OfferSearch:
        data = self.cleaned_data
        return OfferSearch(
            point=point,
            radius_km=data["radius"],
            need=data["bedarf"],
            language=data["sprache"],
            step_free=data["barrierefrei"],
            open_now=data["offen"],
        )
