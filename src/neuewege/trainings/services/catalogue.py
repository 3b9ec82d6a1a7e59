"""Writes to the catalogue of training modules (the state level's)."""

from django.db import transaction
from django.utils.translation import gettext as _

from neuewege.core.access import CATALOGUE, Access
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import EventFormat, Institution

from ..models import Module

FIELDS = (
    "title",
    "kind",
    "content",
    "duration_hours",
    "credited_hours",
    "min_size",
    "max_size",
    "target_kinds",
    "qualifies_for",
    "active",
)


def update_module(*, access: Access, module: Module, data: dict) -> Module:
    """Change a module. Rules: group sizes 1 to 200 with the smallest ≤ the largest, at least
    one kind of institution, known kinds and formats. Sessions already planned keep their
    sizes."""
    if not access.has(CATALOGUE):
        raise PermissionDenied(_("Only the state level may change the catalogue of modules."))
    errors = {}
    low, high = data.get("min_size"), data.get("max_size")
    for name, value in (("min_size", low), ("max_size", high)):
        if value is None or not 1 <= value <= 200:
            errors[name] = _("Give a group size between 1 and 200.")
    if "min_size" not in errors and "max_size" not in errors and low > high:
        errors["min_size"] = _("The smallest group must not be larger than the largest.")
    kinds = list(data.get("target_kinds") or [])
    if not kinds:
        errors["target_kinds"] = _("Choose at least one kind of institution.")
    elif not set(kinds) <= set(Institution.Kind.values):
        errors["target_kinds"] = _("Choose only kinds of institution of the list.")
    formats = list(data.get("qualifies_for") or [])
    if not set(formats) <= set(EventFormat.values):
        errors["qualifies_for"] = _("Choose only event formats of the list.")
    if data.get("kind") not in Module.Kind.values:
        errors["kind"] = _("Choose one of the kinds.")
    if not (data.get("title") or "").strip():
        errors["title"] = _("Give the module a title.")
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic(durable=True):
        module = Module.objects.select_for_update().get(pk=module.pk)
        for name in FIELDS:
            value = data[name]
            setattr(module, name, value.strip() if isinstance(value, str) else value)
        module.target_kinds, module.qualifies_for = kinds, formats
        module.save()
        return module
