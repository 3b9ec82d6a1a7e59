"""Writes to the format catalogue (the state level's): keyword-only arguments, one durable
transaction, every broken rule a field error (the check constraints of ``Format`` only guard the
database)."""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from neuewege.core.access import CATALOGUE, Access
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.services import full_clean

from .models import Format, TargetGroup, Topic

RULE_FIELDS = (
    "min_minutes",
    "default_minutes",
    "max_minutes",
    "default_capacity",
    "max_capacity",
    "childcare_expected",
    "topics",
    "target_groups",
)
TRANSLATED = ("name", "description")
OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def update_format(*, access: Access, event_format: Format, data: dict) -> Format:
    """Change a format: ``name`` and ``description`` (German) with their translations
    (``name_en`` …), durations, places, childcare, topics, target groups, and the mottos of its
    modules as ``modules = {number: {"motto": …, "motto_en": …}}``. Rules: shortest ≤ usual ≤
    longest duration, usual ≤ largest number of places. Events already planned keep their
    places."""
    if not access.has(CATALOGUE):
        raise PermissionDenied(_("Only the state level may change the format catalogue."))
    module_data = data.get("modules") or {}
    with transaction.atomic(durable=True):
        event_format = Format.objects.select_for_update().get(pk=event_format.pk)
        modules = {module.number: module for module in event_format.modules.all()}
        unknown = set(module_data) - set(modules)
        if unknown:
            raise ValidationFailed(
                _("The format has no module %(numbers)s.")
                % {"numbers": ", ".join(str(number) for number in sorted(unknown))}
            )
        errors = _check_texts(data)
        if errors:
            raise ValidationFailed(errors)
        with translation.override(settings.LANGUAGE_CODE):
            # the plain names write the default language's columns
            for name in TRANSLATED:
                if name in data:
                    setattr(event_format, name, data[name].strip())
            for number, texts in module_data.items():
                modules[number].motto = texts["motto"].strip()
        for name in RULE_FIELDS:
            if name in data:
                setattr(event_format, name, data[name])
        for code in OTHER_LANGUAGES:
            for name in TRANSLATED:
                if f"{name}_{code}" in data:
                    setattr(event_format, f"{name}_{code}", data[f"{name}_{code}"] or None)
            for number, texts in module_data.items():
                if f"motto_{code}" in texts:
                    setattr(modules[number], f"motto_{code}", texts[f"motto_{code}"] or None)
        errors = _check_rules(event_format)
        if errors:
            raise ValidationFailed(errors)
        full_clean(event_format, exclude=["code"])
        event_format.save()
        for number in module_data:
            full_clean(modules[number], exclude=["format"])
            modules[number].save()
        return event_format


def _check_texts(data: dict) -> dict:
    errors = {}
    for name in TRANSLATED:
        if name in data and not (data[name] or "").strip():
            errors[name] = _("This field cannot be empty.")
    for number, texts in (data.get("modules") or {}).items():
        if not (texts.get("motto") or "").strip():
            errors[f"motto_{number}"] = _("Every module needs a motto.")
    return errors


def _check_rules(event_format: Format) -> dict:
    """The check constraints of ``Format``, as field errors."""
    errors = {}
    for name in RULE_FIELDS[:5]:
        value = getattr(event_format, name)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 32767:
            errors[name] = _("Give a whole number from 1 to 32767.")
    if errors:
        return errors
    low, usual, high = (
        event_format.min_minutes,
        event_format.default_minutes,
        event_format.max_minutes,
    )
    if low > high:
        errors["max_minutes"] = _(
            "The longest duration cannot be shorter than the shortest (%(low)s minutes)."
        ) % {"low": low}
    elif not low <= usual <= high:
        errors["default_minutes"] = _(
            "The usual duration must lie between the shortest and the longest duration "
            "(%(low)s to %(high)s minutes)."
        ) % {"low": low, "high": high}
    if event_format.default_capacity > event_format.max_capacity:
        errors["default_capacity"] = _(
            "The usual number of places cannot be larger than the largest (%(max)s)."
        ) % {"max": event_format.max_capacity}
    for name, choices in (("topics", Topic), ("target_groups", TargetGroup)):
        unknown = set(getattr(event_format, name) or []) - set(choices.values)
        if unknown:
            errors[name] = _("Unknown value: %(codes)s") % {"codes": ", ".join(sorted(unknown))}
    return errors
