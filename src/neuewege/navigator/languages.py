"""The languages an offer may be given in (ISO 639-1): the seven languages of the parents' pages
and others spoken by families in the region — the one list of them."""

from django.utils.translation import gettext_lazy as _

OFFER_LANGUAGES = (
    ("de", _("German")),
    ("en", _("English")),
    ("tr", _("Turkish")),
    ("ar", _("Arabic")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("pl", _("Polish")),
    ("fa", _("Persian (Farsi, Dari)")),
    ("ku", _("Kurdish")),
    ("ps", _("Pashto")),
    ("ti", _("Tigrinya")),
    ("so", _("Somali")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("it", _("Italian")),
    ("el", _("Greek")),
    ("ro", _("Romanian")),
    ("bg", _("Bulgarian")),
    ("sq", _("Albanian")),
    ("sr", _("Serbian")),
    ("hr", _("Croatian")),
)
CODES = frozenset(code for code, _label in OFFER_LANGUAGES)


def language_label(code: str):
    return dict(OFFER_LANGUAGES).get(code, code)
