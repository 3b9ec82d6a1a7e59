"""The agreements app's forms: drafting an agreement, editing its clauses and term, a clause
of the library, the scanned paper copy, ending and renewing."""

from datetime import date, timedelta
from pathlib import PurePath

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from neuewege.core.forms import date_field
from neuewege.core.models import Institution
from neuewege.core.uploads import MB

from .models import PARTY_KINDS, Kind

MAX_SCAN_MB = 20
SCAN_TYPES = {
    ".pdf": b"%PDF",
    ".png": b"\x89PNG",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
}


def default_term(today: date) -> tuple[date, date]:
    """From the first of next month, for two years."""
    start = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    return start, date(start.year + 2, start.month, 1) - timedelta(days=1)


class TermFields(forms.Form):
    starts_on = date_field(_("In force from"))
    ends_on = date_field(_("In force until"))
    renews_automatically = forms.BooleanField(
        label=_("Renews automatically unless terminated"), required=False
    )
    renewal_months = forms.IntegerField(
        label=_("Renewal term (months)"), min_value=1, max_value=60, initial=12
    )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", _("The end date must come after the start date."))
        return data


def party_label(institution) -> str:
    """The institution's name, and its kind where the name does not say it."""
    kind = str(institution.get_kind_display())
    return institution.name if kind in institution.name else f"{institution.name} ({kind})"


class AgreementForm(TermFields):
    """A new agreement: the template, the family centre (centre agreement), the parties."""

    field_order = ["kind", "family_centre", "parties"]
    kind = forms.ChoiceField(label=_("Template"), choices=Kind.choices, widget=forms.RadioSelect)
    family_centre = forms.ModelChoiceField(
        label=_("Family centre"),
        queryset=Institution.objects.none(),
        required=False,
        empty_label=_("Choose a family centre"),
        help_text=_("For a Kooperationsvereinbarung: the family centre it is made with."),
    )
    parties = forms.ModelMultipleChoiceField(
        label=_("Parties besides the family centre"),
        queryset=Institution.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Framework: a Jobcenter, an Agentur für Arbeit and a Jugendamt. Family centre: a "
            "Jobcenter and an Agentur für Arbeit."
        ),
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        institutions = Institution.objects.order_by("kind", "name")
        self.fields["family_centre"].queryset = institutions.filter(
            region=region, kind=Institution.Kind.FAMILY_CENTRE
        )
        self.fields["parties"].queryset = (
            institutions.serving(region)
            .filter(
                kind__in=set(PARTY_KINDS[Kind.FRAMEWORK]) | set(PARTY_KINDS[Kind.FAMILY_CENTRE])
            )
            .exclude(kind=Institution.Kind.FAMILY_CENTRE)
        )
        self.fields["parties"].label_from_instance = party_label

    def clean(self):
        data = super().clean()
        if data.get("kind") == Kind.FAMILY_CENTRE and not data.get("family_centre"):
            self.add_error("family_centre", _("Choose the family centre."))
        return data


class VersionForm(TermFields):
    """The agreement's clauses (one text field each, named ``clause_<key>``), its term and a
    note on what changed."""

    note = forms.CharField(label=_("What changed"), max_length=200, required=False)
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=10**9)

    def __init__(self, *args, clauses, **kwargs):
        super().__init__(*args, **kwargs)
        self.clause_fields = []
        for clause in clauses:
            name = f"clause_{clause['key']}"
            self.fields[name] = forms.CharField(
                label=clause["heading"],
                widget=forms.Textarea(attrs={"rows": 8, "lang": "de"}),
                initial=clause["text"],
                max_length=10_000,
            )
            self.clause_fields.append(name)

    def clause_bound_fields(self):
        return [self[name] for name in self.clause_fields]

    def texts(self) -> dict[str, str]:
        return {
            name.removeprefix("clause_"): self.cleaned_data[name] for name in self.clause_fields
        }


class ClauseForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 10, "lang": "de"}), max_length=10_000
    )
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)


class PaperCopyForm(forms.Form):
    file = forms.FileField(
        label=_("Scanned signed copy"),
        help_text=format_lazy(_("PDF, PNG or JPEG, at most {mb} MB."), mb=MAX_SCAN_MB),
    )
    parties = forms.ModelMultipleChoiceField(
        label=_("Signed by"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    signed_on = date_field(_("Signed on"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = parties
        self.fields["parties"].label_from_instance = lambda party: party.institution.name

    def clean_file(self):
        """Size, ending and content before anything reads the file further."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SCAN_MB * MB:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_SCAN_MB}
            )
        ending = PurePath(upload.name or "").suffix.lower()
        if ending not in SCAN_TYPES:
            raise forms.ValidationError(_("Upload a PDF, PNG or JPEG file."))
        upload.seek(0)
        starts_with = upload.read(8)
        upload.seek(0)
        if not starts_with.startswith(SCAN_TYPES[ending]):
            raise forms.ValidationError(
                _("The file's content does not match its ending %(ending)s.") % {"ending": ending}
            )
        return upload


class TerminateForm(forms.Form):
    on = date_field(_("Terminated on"))


class RenewForm(forms.Form):
    starts_on = date_field(_("New term from"))
    ends_on = date_field(_("New term until"))

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", _("The end date must come after the start date."))
        return data
