"""The format catalogue (the state level): a format's texts, its rules and the mottos of its
modules, in every language."""

from django import forms
from django.utils.translation import gettext_lazy as _

from neuewege.core.forms import checkboxes

from ..models import TargetGroup, Topic
from .translations import TRANSLATED_LANGUAGES, add_translation_fields, default_language_value


class FormatForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description for parents"), widget=forms.Textarea(attrs={"rows": 5})
    )
    min_minutes = forms.IntegerField(
        label=_("Shortest duration (minutes)"), min_value=1, max_value=1440
    )
    default_minutes = forms.IntegerField(
        label=_("Usual duration (minutes)"), min_value=1, max_value=1440
    )
    max_minutes = forms.IntegerField(
        label=_("Longest duration (minutes)"), min_value=1, max_value=1440
    )
    default_capacity = forms.IntegerField(
        label=_("Usual number of places"), min_value=1, max_value=1000
    )
    max_capacity = forms.IntegerField(
        label=_("Largest number of places"), min_value=1, max_value=1000
    )
    childcare_expected = forms.BooleanField(label=_("Childcare expected"), required=False)
    topics = checkboxes(_("Topics"), Topic.choices)
    target_groups = checkboxes(_("Target groups"), TargetGroup.choices)

    RULE_NAMES = (
        "min_minutes",
        "default_minutes",
        "max_minutes",
        "default_capacity",
        "max_capacity",
        "childcare_expected",
    )

    def __init__(self, *args, event_format, **kwargs):
        super().__init__(*args, **kwargs)
        self.modules = list(event_format.modules.all())
        self.module_names = []
        for module in self.modules:
            name = f"motto_{module.number}"
            self.fields[name] = forms.CharField(
                label=_("Motto of module %(number)s") % {"number": module.number}, max_length=100
            )
            self.module_names.append(name)
        self.translation_names = add_translation_fields(
            self, "name", _("Name"), max_length=100
        ) + add_translation_fields(self, "description", _("Description for parents"), textarea=True)
        for module in self.modules:
            self.translation_names += add_translation_fields(
                self,
                f"motto_{module.number}",
                _("Motto of module %(number)s") % {"number": module.number},
                max_length=100,
            )
        if not self.is_bound:
            self.initial = self._initial_values(event_format)

    def _initial_values(self, event_format):
        initial = {name: getattr(event_format, name) for name in self.RULE_NAMES}
        initial |= {
            "name": default_language_value(event_format, "name"),
            "description": default_language_value(event_format, "description"),
            "topics": list(event_format.topics),
            "target_groups": list(event_format.target_groups),
        }
        for code, _language in TRANSLATED_LANGUAGES:
            for name in ("name", "description"):
                initial[f"{name}_{code}"] = getattr(event_format, f"{name}_{code}") or ""
            for module in self.modules:
                initial[f"motto_{module.number}_{code}"] = getattr(module, f"motto_{code}") or ""
        for module in self.modules:
            initial[f"motto_{module.number}"] = default_language_value(module, "motto")
        return initial

    def _group(self, names):
        return [self[name] for name in names if name in self.fields]

    @property
    def text_fields(self):
        return self._group(("name", "description"))

    @property
    def rule_fields(self):
        return self._group((*self.RULE_NAMES, "topics", "target_groups"))

    @property
    def module_fields(self):
        return self._group(self.module_names)

    @property
    def translation_fields(self):
        return self._group(self.translation_names)

    @property
    def has_translation_errors(self):
        return any(self.errors.get(name) for name in self.translation_names)

    def catalogue_data(self) -> dict:
        """What ``catalogue_services.update_format`` takes."""
        data = self.cleaned_data
        result = {
            name: data[name]
            for name in ("name", "description", *self.RULE_NAMES, "topics", "target_groups")
        }
        for code, _language in TRANSLATED_LANGUAGES:
            for name in ("name", "description"):
                result[f"{name}_{code}"] = (data.get(f"{name}_{code}") or "").strip() or None
        result["modules"] = {
            module.number: {
                "motto": data[f"motto_{module.number}"],
                **{
                    f"motto_{code}": (data.get(f"motto_{module.number}_{code}") or "").strip()
                    or None
                    for code, _language in TRANSLATED_LANGUAGES
                },
            }
            for module in self.modules
        }
        return result
