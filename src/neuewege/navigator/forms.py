"""The staff form of an offer: one page in sections (what, for whom, where, when, contact,
translations), with a fixed number of rows for places, opening hours and contacts — empty rows
are left out. Opening hours are entered as weekdays and times; other rhythms as a raw RFC 5545
rule ("advanced"). And the upload of an Open Referral (HSDS) file."""

import re

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from neuewege.core.errors import DomainError
from neuewege.core.forms import time_field
from neuewege.core.models import Institution, OpeningPeriod
from neuewege.core.uploads import MB, FileRefused, check_zip
from neuewege.events.forms.translations import add_translation_fields

from .hsds.importing import MAX_FILE_BYTES, ZIP_LIMITS
from .languages import OFFER_LANGUAGES
from .models import Location, Offer, Organization
from .services import MAX_ROWS, ContactData, OfferData, PlaceData, ScheduleData
from .taxonomy import BY_CODE, TERMS

ROWS = {"place": 2, "schedule": 3, "contact": 2}  # empty rows shown at least
WEEKDAYS = list(
    zip(("MO", "TU", "WE", "TH", "FR", "SA", "SU"), OpeningPeriod.Weekday.labels, strict=True)
)
SIMPLE_RULE = re.compile(
    r"^FREQ=WEEKLY;BYDAY=((?:MO|TU|WE|TH|FR|SA|SU)(?:,(?:MO|TU|WE|TH|FR|SA|SU))*)$"
)
NEW_ORGANIZATION = "new"
ERROR_FIELDS = {"places": "place_0_street", "translations": None}

PLACE_FIELDS = (
    "name",
    "street",
    "postcode",
    "town",
    "step_free",
    "transportation",
    "accessibility",
)
SCHEDULE_FIELDS = ("days", "opens_at", "closes_at", "rrule", "description")
CONTACT_FIELDS = ("name", "title", "phone", "email", "internal")


def need_choices():
    return [
        (term.code, format_lazy("– {}", term.label) if term.parent else term.label)
        for term in TERMS
    ]


class OfferForm(forms.Form):
    # what
    name = forms.CharField(label=_("Name of the offer"), max_length=200)
    description = forms.CharField(
        label=_("What is offered"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In plain words, as you would explain it to a parent."),
    )
    needs = forms.MultipleChoiceField(
        label=_("Needs it helps with"),
        choices=need_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Parents search by these needs."),
    )
    organization = forms.ChoiceField(label=_("Organisation"))
    new_organization = forms.CharField(
        label=_("Name of a new organisation"),
        max_length=200,
        required=False,
        help_text=_("Only if the organisation is not in the list above."),
    )
    keeper = forms.ModelChoiceField(
        label=_("Kept by"),
        queryset=Institution.objects.none(),
        required=False,
        empty_label=_("The coordinator"),
        help_text=_("The institution that keeps this offer up to date."),
    )
    # for whom
    eligibility = forms.CharField(
        label=_("Target groups and conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("In plain words, e.g. single parents, families with children under 3."),
    )
    minimum_age = forms.IntegerField(
        label=_("Minimum age"), required=False, min_value=0, max_value=120
    )
    maximum_age = forms.IntegerField(
        label=_("Maximum age"), required=False, min_value=0, max_value=120
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages the offer is given in"),
        choices=OFFER_LANGUAGES,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "columns"}),
        initial=["de"],
    )
    free_of_charge = forms.BooleanField(label=_("Free of charge"), required=False, initial=True)
    fees = forms.CharField(label=_("Costs"), max_length=200, required=False)
    application_process = forms.CharField(
        label=_("How to get an appointment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Walk in, call first, online …"),
    )
    required_documents = forms.CharField(
        label=_("What to bring"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # where
    online = forms.BooleanField(
        label=_("Also by phone or online"),
        required=False,
        help_text=_("Reachable without going there: found in the whole region."),
    )
    # contact
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    url = forms.URLField(label=_("Web page"), required=False, assume_scheme="https")

    def __init__(self, *args, region, access, offer: Offer | None = None, **kwargs):
        from .services import keeps_region

        self.region, self.offer = region, offer
        if offer is not None and not kwargs.get("data") and not args:
            kwargs["initial"] = initial_from(offer) | kwargs.get("initial", {})
        super().__init__(*args, **kwargs)
        self.counts = self._row_counts()
        organizations = Organization.objects.filter(region=region).order_by("name")
        with_organization = organizations.exclude(institution=None).values("institution_id")
        institutions = Institution.objects.filter(region=region).exclude(pk__in=with_organization)
        self.fields["organization"].choices = [
            ("", _("Choose …")),
            (_("Organisations of the directory"), [(f"o{o.pk}", o.name) for o in organizations]),
            (
                _("Institutions of the platform"),
                [(f"i{i.pk}", i.name) for i in institutions.order_by("name")],
            ),
            (NEW_ORGANIZATION, _("A new organisation (name it below)")),
        ]
        self.keeps_region = keeps_region(access)
        if self.keeps_region:
            self.fields["keeper"].queryset = Institution.objects.filter(region=region).order_by(
                "name"
            )
        else:  # staff keep their own institution's offers
            del self.fields["keeper"]
            own = access.own_institution
            self.own_institution = own if own and own.region_id == region.pk else None
        for index in range(self.counts["place"]):
            self._add_place(index)
        for index in range(self.counts["schedule"]):
            self._add_schedule(index)
        for index in range(self.counts["contact"]):
            self._add_contact(index)
        self.translation_names = []
        for name in ("name", "description", "required_documents"):
            self.translation_names += add_translation_fields(
                self,
                name,
                self.fields[name].label,
                textarea=name != "name",
                max_length=200 if name == "name" else None,
            )

    def _add_place(self, index):
        number = index + 1
        label = lambda text: (
            gettext("Place %(number)d: %(field)s") % {"number": number, "field": text}
        )
        model = {field.name: field for field in Location._meta.fields}
        prefix = f"place_{index}_"
        self.fields[prefix + "name"] = forms.CharField(
            label=label(_("name of the place")), max_length=200, required=False
        )
        self.fields[prefix + "street"] = forms.CharField(
            label=label(_("street and number")), max_length=200, required=False
        )
        self.fields[prefix + "postcode"] = forms.CharField(
            label=label(_("postcode")),
            max_length=5,
            required=False,
            validators=[RegexValidator(r"^[0-9]{5}$", _("Five digits, e.g. 46483."))],
            widget=forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "class": "narrow"}
            ),
        )
        self.fields[prefix + "town"] = forms.CharField(
            label=label(_("town")), max_length=100, required=False
        )
        self.fields[prefix + "step_free"] = forms.BooleanField(
            label=label(_("step-free access")), required=False
        )
        self.fields[prefix + "transportation"] = forms.CharField(
            label=label(_("how to get there")),
            required=False,
            help_text=model["transportation"].help_text,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        self.fields[prefix + "accessibility"] = forms.CharField(
            label=label(_("accessibility")),
            required=False,
            help_text=model["accessibility"].help_text,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def _add_schedule(self, index):
        number = index + 1
        label = lambda text: (
            gettext("Opening hours %(number)d: %(field)s") % {"number": number, "field": text}
        )
        prefix = f"schedule_{index}_"
        self.fields[prefix + "days"] = forms.MultipleChoiceField(
            label=label(_("weekdays")),
            choices=WEEKDAYS,
            required=False,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "weekdays"}),
        )
        self.fields[prefix + "opens_at"] = time_field(label(_("from")), required=False)
        self.fields[prefix + "closes_at"] = time_field(label(_("until")), required=False)
        self.fields[prefix + "rrule"] = forms.CharField(
            label=label(_("other rhythm (RFC 5545 rule)")),
            max_length=200,
            required=False,
            help_text=_(
                "Instead of the weekdays, e.g. every second Tuesday: "
                "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
            ),
        )
        self.fields[prefix + "description"] = forms.CharField(
            label=label(_("note")), max_length=200, required=False
        )

    def _add_contact(self, index):
        number = index + 1
        label = lambda text: (
            gettext("Contact %(number)d: %(field)s") % {"number": number, "field": text}
        )
        prefix = f"contact_{index}_"
        self.fields[prefix + "name"] = forms.CharField(
            label=label(_("name")), max_length=200, required=False
        )
        self.fields[prefix + "title"] = forms.CharField(
            label=label(_("function")), max_length=200, required=False
        )
        self.fields[prefix + "phone"] = forms.CharField(
            label=label(_("phone")), max_length=40, required=False
        )
        self.fields[prefix + "email"] = forms.EmailField(label=label(_("e-mail")), required=False)
        self.fields[prefix + "internal"] = forms.BooleanField(
            label=label(_("for professionals only")),
            required=False,
            help_text=_("Direct numbers for staff of the region; parents do not see them."),
        )

    def _row_counts(self) -> dict[str, int]:
        """Rows for every place, opening hours and contact the offer has (or the form posted)
        and one empty row more: saving never drops what an import or the API entered."""
        counts = {}
        for kind, shown in ROWS.items():
            had = 0
            if self.offer is not None:
                had = {
                    "place": self.offer.locations,
                    "schedule": self.offer.schedules,
                    "contact": self.offer.contacts,
                }[kind].count()
            posted = [
                int(match[1])
                for key in self.data
                if (match := re.fullmatch(rf"{kind}_(\d{{1,2}})_\w+", key))
            ]
            counts[kind] = min(max(shown, had + 1, max(posted, default=-1) + 1), MAX_ROWS)
        return counts

    # rows for the template

    def rows(self, kind, count, names):
        return [{name: self[f"{kind}_{index}_{name}"] for name in names} for index in range(count)]

    def place_rows(self):
        return self.rows("place", self.counts["place"], PLACE_FIELDS)

    def schedule_rows(self):
        return self.rows("schedule", self.counts["schedule"], SCHEDULE_FIELDS)

    def contact_rows(self):
        return self.rows("contact", self.counts["contact"], CONTACT_FIELDS)

    def save_with(self, service, **kwargs):
        """Call the service with the form's offer; errors of no field of the form land at the
        field that fixes them (a place or "online": the first place's street)."""
        try:
            return service(data=self.offer_data(), **kwargs)
        except DomainError as error:
            error.errors = {
                ERROR_FIELDS.get(name, name): messages for name, messages in error.errors.items()
            }
            raise

    def translation_fields(self):
        return [self[name] for name in self.translation_names]

    def has_translation_errors(self):
        return any(self.errors.get(name) for name in self.translation_names)

    # cleaned data for the service

    def _row(self, kind, index, names):
        data = self.cleaned_data
        return {name: data.get(f"{kind}_{index}_{name}") for name in names}

    @staticmethod
    def _blank(row):
        """Nothing entered (a ticked box alone enters nothing)."""
        return not any(value for value in row.values() if not isinstance(value, bool))

    def clean(self):
        data = super().clean()
        for index in range(self.counts["schedule"]):
            row = self._row("schedule", index, SCHEDULE_FIELDS)
            if self._blank(row) or row["rrule"]:
                continue
            if not row["days"]:
                self.add_error(
                    f"schedule_{index}_days",
                    _("Choose the weekdays, or give another rhythm below."),
                )
        for index in range(self.counts["place"]):
            row = self._row("place", index, PLACE_FIELDS)
            if self._blank(row):
                continue
            for name, message in (
                ("street", _("Enter the street and number.")),
                ("postcode", _("Enter the postcode.")),
                ("town", _("Enter the town.")),
            ):
                if not row[name] and f"place_{index}_{name}" not in self.errors:
                    self.add_error(f"place_{index}_{name}", message)
        choice = data.get("organization", "")
        if choice == NEW_ORGANIZATION and not data.get("new_organization", "").strip():
            self.add_error("new_organization", _("Name the new organisation."))
        return data

    def chosen_organization(self):
        choice = self.cleaned_data["organization"]
        if choice.startswith("o"):
            return Organization.objects.filter(region=self.region, pk=choice[1:]).first() or ""
        if choice.startswith("i") and choice[1:].isdigit():
            return Institution.objects.filter(region=self.region, pk=choice[1:]).first() or ""
        return self.cleaned_data.get("new_organization", "")

    def offer_data(self) -> OfferData:
        data = self.cleaned_data
        places, schedules, contacts = [], [], []
        for index in range(self.counts["place"]):
            row = self._row("place", index, PLACE_FIELDS)
            if not self._blank(row):
                places.append(PlaceData(**_filled(row)))
        for index in range(self.counts["schedule"]):
            row = self._row("schedule", index, SCHEDULE_FIELDS)
            if self._blank(row):
                continue
            rule = row["rrule"].strip() or "FREQ=WEEKLY;BYDAY=" + ",".join(row["days"])
            schedules.append(
                ScheduleData(
                    rrule=rule,
                    opens_at=row["opens_at"],
                    closes_at=row["closes_at"],
                    description=row["description"],
                )
            )
        for index in range(self.counts["contact"]):
            row = self._row("contact", index, CONTACT_FIELDS)
            if not self._blank(row):
                contacts.append(ContactData(**_filled(row)))
        keeper = data.get("keeper") if self.keeps_region else self.own_institution
        return OfferData(
            name=data["name"],
            description=data["description"],
            organization=self.chosen_organization(),
            needs=list(data["needs"]),
            keeper=keeper,
            languages=list(data["languages"]),
            places=places,
            schedules=schedules,
            contacts=contacts,
            url=data["url"],
            email=data["email"],
            phone=data["phone"],
            application_process=data["application_process"],
            required_documents=data["required_documents"],
            eligibility=data["eligibility"],
            minimum_age=data["minimum_age"],
            maximum_age=data["maximum_age"],
            free_of_charge=data["free_of_charge"],
            fees=data["fees"],
            online=data["online"],
            translations={name: data.get(name, "") for name in self.translation_names},
        )


def _filled(row: dict) -> dict:
    """A row's values with empty texts as "" (a field with an error has none)."""
    return {name: value if value is not None else "" for name, value in row.items()}


def initial_from(offer: Offer) -> dict:
    """The form's values of a saved offer (rows in the order the service keeps them)."""
    initial = {
        name: getattr(offer, name)
        for name in (
            "name",
            "description",
            "eligibility",
            "minimum_age",
            "maximum_age",
            "free_of_charge",
            "fees",
            "application_process",
            "required_documents",
            "online",
            "phone",
            "email",
            "url",
        )
    }
    for name in ("name", "description", "required_documents"):
        initial[name] = getattr(offer, f"{name}_{settings.LANGUAGE_CODE}") or getattr(offer, name)
        for code, _label in settings.LANGUAGES:
            if code != settings.LANGUAGE_CODE:
                initial[f"{name}_{code}"] = getattr(offer, f"{name}_{code}") or ""
    initial["needs"] = [need.code for need in offer.needs.all() if need.code in BY_CODE]
    initial["languages"] = [language.code for language in offer.languages.all()]
    initial["organization"] = f"o{offer.organization_id}"
    initial["keeper"] = offer.keeper_id
    for index, location in enumerate(offer.locations.all()[:MAX_ROWS]):
        for name in PLACE_FIELDS:
            initial[f"place_{index}_{name}"] = getattr(location, name)
    for index, schedule in enumerate(offer.schedules.all()[:MAX_ROWS]):
        prefix = f"schedule_{index}_"
        simple = SIMPLE_RULE.match(schedule.rrule.removeprefix("RRULE:"))
        if simple:
            initial[prefix + "days"] = simple[1].split(",")
        else:
            initial[prefix + "rrule"] = schedule.rrule
        initial[prefix + "opens_at"] = schedule.opens_at
        initial[prefix + "closes_at"] = schedule.closes_at
        initial[prefix + "description"] = schedule.description
    for index, contact in enumerate(offer.contacts.all()[:MAX_ROWS]):
        for name in CONTACT_FIELDS:
            initial[f"contact_{index}_{name}"] = getattr(contact, name)
    return initial


class OfferFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    need = forms.ChoiceField(label=_("Need"), required=False)
    keeper = forms.ChoiceField(label=_("Kept by"), required=False)
    fresh = forms.ChoiceField(
        label=_("Freshness"),
        required=False,
        choices=[
            ("", _("All")),
            ("current", _("current")),
            ("aging", _("may be out of date")),
            ("hidden", _("hidden from parents")),
        ],
    )

    def __init__(self, *args, region, **kwargs):
        from .selectors import NO_KEEPER

        super().__init__(*args, **kwargs)
        self.fields["need"].choices = [("", _("All")), *need_choices()]
        self.fields["keeper"].choices = [("", _("All")), (NO_KEEPER, _("The coordinator"))] + [
            (str(institution.pk), institution.name)
            for institution in Institution.objects.filter(region=region, kept_offers__isnull=False)
            .distinct()
            .order_by("name")
        ]

    def values(self) -> dict:
        if not self.is_valid():
            return {}
        return {
            name: self.cleaned_data.get(name) or "" for name in ("q", "need", "keeper", "fresh")
        }


class HsdsImportForm(forms.Form):
    MAX_BYTES = MAX_FILE_BYTES

    file = forms.FileField(label=_("File"))
    check_only = forms.BooleanField(label=_("Only check the file, save nothing"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "An HSDS 3.0 datapackage (.zip with CSV files) or a JSON list of services, "
            "at most %(mb)s MB."
        ) % {"mb": self.MAX_BYTES // MB}

    def clean_file(self):
        """What can be refused at once: the size (read no further than the limit), the ending
        and a ZIP's directory (members, unpacked size, packing ratio)."""
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                gettext("The file is larger than %(max)s MB.") % {"max": self.MAX_BYTES // MB}
            )
        if not upload.name.lower().endswith((".zip", ".json")):
            raise forms.ValidationError(gettext("Upload a .zip or a .json file."))
        if upload.name.lower().endswith(".zip"):
            try:
                check_zip(upload.read(), ZIP_LIMITS)
            except FileRefused as refused:
                raise forms.ValidationError(str(refused)) from refused
            finally:
                upload.seek(0)
        return upload
