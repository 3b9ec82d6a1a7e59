"""What the legal pages (imprint, privacy statement, accessibility statement) say about the
operator, from the settings (``NEUEWEGE_OPERATOR_*`` …, see README), and which data of the
public pages' users the privacy statement names, from the privacy registry — so that the
statement says what the purge does."""

from django.conf import settings

from .privacy import CATEGORIES, DataCategory

# The details each page needs: a page shows a notice for each one still empty, and
# ``neuewege check --deploy`` warns about them (core/checks.py).
REQUIRED = {
    "imprint": [
        "OPERATOR_NAME",
        "OPERATOR_ADDRESS",
        "OPERATOR_EMAIL",
        "OPERATOR_PHONE",
        "OPERATOR_REPRESENTATIVE",
    ],
    "privacy": [
        "OPERATOR_NAME",
        "OPERATOR_ADDRESS",
        "OPERATOR_EMAIL",
        "DPO_CONTACT",
        "DATA_PROTECTION_AUTHORITY",
    ],
    "accessibility": [
        "OPERATOR_NAME",
        "OPERATOR_EMAIL",
        "ACCESSIBILITY_REVIEW",
        "ACCESSIBILITY_ENFORCEMENT",
    ],
}
VARIABLES = {  # the environment variable of each setting, for the operator
    "OPERATOR_NAME": "NEUEWEGE_OPERATOR_NAME",
    "OPERATOR_ADDRESS": "NEUEWEGE_OPERATOR_ADDRESS",
    "OPERATOR_EMAIL": "NEUEWEGE_OPERATOR_EMAIL",
    "OPERATOR_PHONE": "NEUEWEGE_OPERATOR_PHONE",
    "OPERATOR_REPRESENTATIVE": "NEUEWEGE_OPERATOR_REPRESENTATIVE",
    "DPO_CONTACT": "NEUEWEGE_DPO_CONTACT",
    "DATA_PROTECTION_AUTHORITY": "NEUEWEGE_DATA_PROTECTION_AUTHORITY",
    "ACCESSIBILITY_REVIEW": "NEUEWEGE_ACCESSIBILITY_REVIEW",
    "ACCESSIBILITY_ENFORCEMENT": "NEUEWEGE_ACCESSIBILITY_ENFORCEMENT",
}


def setting(name: str) -> str:
    return str(getattr(settings, name, "") or "").strip()


def operator() -> dict[str, str]:
    """The operator's details by lower-case setting name (``name``, ``dpo_contact`` …)."""
    details = {name.lower().removeprefix("operator_"): setting(name) for name in VARIABLES}
    details["vat_id"] = setting("OPERATOR_VAT_ID")
    details["accessibility_email"] = setting("ACCESSIBILITY_EMAIL") or details["email"]
    return details


def missing(page: str) -> list[str]:
    """The environment variables still empty that ``page`` needs."""
    return [VARIABLES[name] for name in REQUIRED[page] if not setting(name)]


def told_to_visitors() -> list[DataCategory]:
    """The categories of data about the users of the public pages (those that give a purpose):
    first a parent's own records (those found for a parent's request), then the others, each
    in the registry's order."""
    told = [category for category in CATEGORIES.values() if category.purpose]
    return sorted(told, key=lambda category: category.find is None)
