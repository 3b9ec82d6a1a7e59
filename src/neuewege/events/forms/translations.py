"""Fields for the translated columns of a record (django-modeltranslation's ``name_en``,
``name_tr`` …), shared by the planning form, the staff booking form and the format
catalogue."""

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import get_language_info

TRANSLATED_LANGUAGES = [
    (code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
]


def language_attrs(code):
    """Inputs in another language say so (screen readers, spelling, right to left)."""
    return {"lang": code, "dir": "rtl" if get_language_info(code)["bidi"] else "ltr"}


def add_translation_fields(form, name, label, *, textarea=False, max_length=None):
    """``name_en``, ``name_tr`` … (the columns of django-modeltranslation), all optional."""
    created = []
    for code, language in TRANSLATED_LANGUAGES:
        attrs = language_attrs(code)
        widget = forms.Textarea(attrs=attrs | {"rows": 3}) if textarea else forms.TextInput(attrs)
        field_name = f"{name}_{code}"
        form.fields[field_name] = forms.CharField(
            label=format_lazy("{} ({})", label, language),
            required=False,
            max_length=max_length,
            widget=widget,
        )
        created.append(field_name)
    return created


def default_language_value(record, name):
    return getattr(record, f"{name}_{settings.LANGUAGE_CODE}") or ""
