from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import imports
from .limits import TrapMixin
from .models import EventFormat, Institution, NetworkMember, OpeningPeriod, Person, Region, User
from .uploads import MB
from .widgets import render_widget


def date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={"invalid": _("Enter a date like 24.03.2027.")},
        **kwargs,
    )


def time_field(label, **kwargs):
    return forms.TimeField(
        label=label,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M", "%H.%M"],
        error_messages={"invalid": _("Enter a time like 09:30.")},
        **kwargs,
    )


def checkboxes(label, choices, **kwargs):
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


class KernBoundField(BoundField):
    """Gives each widget the KERN UX class of its kind."""

    CLASSES = {
        "select": "kern-form-input__select",
        "selectmultiple": "kern-form-input__select",
        "checkbox": "kern-form-check__checkbox",
    }

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        css = self.CLASSES.get(self.widget_type, "kern-form-input__input")
        if self.errors:
            css += f" {css}--error"
        own = (widget or self.field.widget).attrs.get("class", "")  # e.g. a narrower input
        attrs["class"] = " ".join(filter(None, [css, own, attrs.get("class", "")]))
        return attrs


class KernFormRenderer(TemplatesSetting):
    """Renders every form in KERN UX markup with an error summary linking to the fields."""

    form_template_name = "forms/kern_form.html"
    field_template_name = "forms/kern_field.html"
    bound_field_class = KernBoundField

    def render(self, template_name, context, request=None):
        # text inputs and selects in Python, the same markup as their templates (core/widgets.py)
        markup = render_widget(template_name, context)
        if markup is not None:
            return markup
        return super().render(template_name, context, request)


class InstitutionForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Institution
        fields = [
            "kind",
            "name",
            "external_id",
            "street",
            "postcode",
            "town",
            "latitude",
            "longitude",
            "email",
            "phone",
            "website",
            "job_centre_type",
            "provider",
            "provider_type",
            "youth_welfare_office",
            "district",
            "certified_from",
            "certified_until",
            "childcare_places",
        ]
        widgets = {
            "certified_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "certified_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "postcode": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "postal-code"}
            ),
        }

    def __init__(self, *args, region: Region, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.region = region
        self.fields["youth_welfare_office"].queryset = region.institutions.filter(
            kind=Institution.Kind.YOUTH_WELFARE_OFFICE
        )


class PersonForm(forms.ModelForm):
    moderated_formats = forms.MultipleChoiceField(
        label=_("qualified to moderate"),
        choices=EventFormat.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "function",
            "institution",
            "email",
            "phone",
            "moderated_formats",
        ]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions


def signs_agreements_field():
    """The right to sign agreements for the person's institution (``User.signs_agreements``),
    in the invitation and in the account form."""
    return forms.BooleanField(
        label=_("May sign cooperation agreements for their institution"),
        required=False,
        help_text=_(
            "Only for an authorised signatory of the person's institution: the head of the "
            "Jobcenter or Jugendamt, the agency's management, the family centre's head or "
            "provider. Needs a linked person."
        ),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("e-mail"))
    first_name = forms.CharField(label=_("first name"), max_length=150)
    last_name = forms.CharField(label=_("last name"), max_length=150)
    role = forms.ChoiceField(label=_("role"))
    regions = forms.ModelMultipleChoiceField(
        label=_("regions"),
        queryset=Region.objects.none(),
        to_field_name="key",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For coordinators and viewers. Staff work in their institution's region."),
    )
    person = forms.ModelChoiceField(
        label=_("person"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Required for staff: the person the account belongs to."),
    )
    signs_agreements = signs_agreements_field()

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (role.value, role.label) for role in access.assignable_roles()
        ]
        self.fields["regions"].queryset = access.regions()
        self.fields["person"].queryset = (
            access.people().select_related("institution").filter(account__isnull=True)
        )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email


class AccountForm(forms.Form):
    role = forms.ChoiceField(label=_("role"))
    regions = forms.ModelMultipleChoiceField(
        label=_("regions"),
        queryset=Region.objects.none(),
        to_field_name="key",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    person = forms.ModelChoiceField(
        label=_("person"), queryset=Person.objects.none(), required=False
    )
    is_active = forms.BooleanField(label=_("account active"), required=False)
    signs_agreements = signs_agreements_field()

    def __init__(self, *args, access, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (role.value, role.label) for role in access.assignable_roles()
        ]
        self.fields["regions"].queryset = access.regions()
        self.fields["person"].queryset = access.people().select_related("institution").filter(
            account__isnull=True
        ) | access.people().filter(account=account)


class ImportUploadForm(forms.Form):
    MAX_BYTES = imports.MAX_FILE_BYTES

    kind = forms.ChoiceField(
        label=_("What does the file contain?"),
        choices=[("institutions", _("Institutions")), ("people", _("People"))],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "CSV (UTF-8 or Windows-1252) or Excel (.xlsx), at most %(mb)s MB."
        ) % {"mb": self.MAX_BYTES // MB}

    def clean_file(self):
        """What can be refused at once, before the file is kept: its size (read no further
        than the limit, core/uploads.py), its ending and, for a workbook, its zip directory."""
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(imports.too_large_message())
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        try:
            imports.check_file(upload.name, upload.read())
        except imports.FileProblem as problem:
            raise forms.ValidationError(problem.problems) from problem
        finally:
            upload.seek(0)
        return upload


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=100,
        help_text=_("What the token is used for, e.g. “Evaluation script”."),
    )


class ParentContactForm(forms.Form):
    """How to find a parent's data: the e-mail address or phone number they booked with."""

    email = forms.EmailField(
        label=_("E-mail address"), required=False, max_length=254, widget=forms.EmailInput
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=40,
        help_text=_("However it is written: with or without spaces, with +49 or 0."),
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("email") or data.get("phone")):
            raise forms.ValidationError(_("Enter the e-mail address or the phone number."))
        return data


class BarrierReportForm(TrapMixin, forms.Form):
    page_url = forms.CharField(
        label=_("On which page did you come across the barrier?"), max_length=500, required=False
    )
    description = forms.CharField(
        label=_("Describe the barrier"), max_length=5000, widget=forms.Textarea
    )
    contact = forms.CharField(
        label=_("E-mail or phone for a reply"),
        max_length=200,
        required=False,
        help_text=_("Optional. Only used to answer you."),
    )


class OpeningHoursForm(forms.Form):
    """A week of opening hours: core hours and, where offered, early and late care."""

    WEEKDAYS = OpeningPeriod.Weekday.choices[:6]
    COLUMNS = [
        ("early_from", _("early care from")),
        ("opens", _("opens")),
        ("closes", _("closes")),
        ("late_until", _("late care until")),
    ]

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        for day, day_label in self.WEEKDAYS:
            for column, column_label in self.COLUMNS:
                self.fields[f"{day}_{column}"] = forms.TimeField(
                    label=f"{day_label}: {column_label}",
                    required=False,
                    widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                )
        if not self.is_bound:
            self.initial = self.initial_from(institution.opening_periods.all())

    @classmethod
    def initial_from(cls, periods):
        initial = {}
        for period in periods:
            if not period.is_extended_hours:
                initial[f"{period.weekday}_opens"] = period.opens
                initial[f"{period.weekday}_closes"] = period.closes
        for period in periods:
            if period.is_extended_hours:
                if period.closes == initial.get(f"{period.weekday}_opens"):
                    initial[f"{period.weekday}_early_from"] = period.opens
                else:
                    initial[f"{period.weekday}_late_until"] = period.closes
        return initial

    def rows(self):
        return [
            (label, [self[f"{day}_{column}"] for column, _label in self.COLUMNS])
            for day, label in self.WEEKDAYS
        ]

    def week(self):
        """The cleaned week as {weekday: (early_from, opens, closes, late_until)}."""
        return {
            day: tuple(self.cleaned_data.get(f"{day}_{column}") for column, _label in self.COLUMNS)
            for day, _label in self.WEEKDAYS
        }


class NetworkMemberForm(forms.ModelForm):
    class Meta:
        model = NetworkMember
        fields = ["name", "street", "postcode", "town"]
        widgets = {"postcode": forms.TextInput(attrs={"inputmode": "numeric"})}


# Signing in and the second factor


def code_field():
    return forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_(
            "The six digits your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={
                "class": "code-input",
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )


class SecondFactorCodeForm(forms.Form):
    code = code_field()


class ConfirmAuthenticatorForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=20,
        help_text=_("The six digits the app shows for Neue Wege."),
        widget=forms.TextInput(
            attrs={"class": "code-input", "autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class RemoveSecondFactorForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = code_field()


class RegionSecondFactorForm(forms.Form):
    required = forms.BooleanField(
        label=_("Every account of this region signs in with a second factor"),
        required=False,
        help_text=_(
            "Staff and viewers then set up an authenticator app at their next sign-in. "
            "Coordinators always use one."
        ),
    )


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The current password is checked like a sign-in: wrong guesses count towards the same
    limit (sign-in throttling, core/signin.py), and a locked-out account is refused here too."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        checked = authenticate(self.request, username=self.user.email, password=old_password)
        if checked is None or checked.pk != self.user.pk:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password
