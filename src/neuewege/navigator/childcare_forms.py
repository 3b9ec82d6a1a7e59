"""Forms of §4 and the Lotsenbroschüre: the case manager's search, the Jugendamt's childcare
information (with its contacts and free places as formsets), the brochure's choices."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from neuewege.core.models import Institution

from .models import ChildcareContact, ChildcareDistrict
from .selectors import DEFAULT_RADIUS_KM, RADII_KM

LANGUAGE_CHOICES = [(code, name) for code, name in settings.LANGUAGES]


class ChildcareSearchForm(forms.Form):
    postcode = forms.CharField(
        label=_("Postcode of the client"),
        max_length=5,
        min_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    language = forms.ChoiceField(
        label=_("Language of the client's sheet"), choices=LANGUAGE_CHOICES, initial="de"
    )


class DistrictForm(forms.ModelForm):
    portal_url = forms.URLField(
        label=ChildcareDistrict._meta.get_field("portal_url").verbose_name,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = ChildcareDistrict
        fields = ["postcodes", "how_to_apply", "portal_url", "short_notice", "extended_hours"]
        widgets = {
            "postcodes": forms.Textarea(attrs={"rows": 2}),
            "how_to_apply": forms.Textarea(attrs={"rows": 3}),
            "short_notice": forms.Textarea(attrs={"rows": 3}),
            "extended_hours": forms.Textarea(attrs={"rows": 3}),
        }


class ContactForm(forms.ModelForm):
    class Meta:
        model = ChildcareContact
        fields = ["topic", "name", "phone", "email", "internal_phone", "hours"]


class VacancyForm(forms.Form):
    centre = forms.ModelChoiceField(label=_("Family centre"), queryset=Institution.objects.none())
    places = forms.IntegerField(label=_("Free places"), min_value=0, max_value=999)
    ages = forms.CharField(label=_("For children aged"), max_length=100, required=False)

    def __init__(self, *args, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        if region is not None:
            self.fields["centre"].queryset = Institution.objects.family_centres().filter(
                region=region
            )


ContactFormSet = forms.formset_factory(ContactForm, extra=1, can_delete=True)
VacancyFormSet = forms.formset_factory(VacancyForm, extra=1, can_delete=True)


def kept(formset) -> list[dict]:
    """The filled-in, not deleted rows of a valid formset."""
    return [
        {key: value for key, value in form.cleaned_data.items() if key != "DELETE"}
        for form in formset.forms
        if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class BrochureForm(forms.Form):
    radius = forms.TypedChoiceField(
        label=_("Offers within"),
        choices=[(radius, f"{radius} km") for radius in RADII_KM],
        coerce=int,
        initial=DEFAULT_RADIUS_KM,
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, initial="de")
    size = forms.ChoiceField(
        label=_("Page size"),
        choices=[("A4", _("A4")), ("A5", _("A5, to fold into a booklet"))],
        initial="A4",
        widget=forms.RadioSelect,
    )
