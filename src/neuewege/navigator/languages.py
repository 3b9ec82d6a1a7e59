"""The languages an offer may be given in (ISO 639-1): the seven languages of the parents' pages
and others spoken by families in the region — the one list of them."""

from django.utils import translation
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
LABELS = dict(OFFER_LANGUAGES)
POSITIONS = {code: position for position, (code, _label) in enumerate(OFFER_LANGUAGES)}


def language_label(code: str):
    return LABELS.get(code, code)


def in_list_order(codes) -> list[str]:
    """``codes`` in the order of the list: the parents' languages first (codes not in it last)."""
    return sorted(codes, key=lambda code: (POSITIONS.get(code, len(POSITIONS)), code))


# ISO 639-2/3 codes of the list (an HSDS file may give these)
THREE_LETTER = {
    "deu": "de", "ger": "de", "eng": "en", "tur": "tr", "ara": "ar", "ukr": "uk", "rus": "ru",
    "pol": "pl", "fas": "fa", "per": "fa", "prs": "fa", "kur": "ku", "kmr": "ku", "ckb": "ku",
    "pus": "ps", "tir": "ti", "som": "so", "fra": "fr", "fre": "fr", "spa": "es", "ita": "it",
    "ell": "el", "gre": "el", "ron": "ro", "rum": "ro", "bul": "bg", "sqi": "sq", "alb": "sq",
    "srp": "sr", "hrv": "hr",
}  # fmt: skip


def language_code(text: str) -> str:
    """Our code of a language as a file names it: a code (``tr``, ``tr-TR``, ``tur``) or a
    name in English or German (``Turkish``, ``Türkisch``); other text as it is, lower case."""
    given = str(text).strip()
    code = given.lower().replace("_", "-").split("-")[0]
    if code in CODES:
        return code
    if code in THREE_LETTER:
        return THREE_LETTER[code]
    for language in ("en", "de"):
        with translation.override(language):
            for known, label in OFFER_LANGUAGES:
                if given.casefold() in (
                    str(label).casefold(),
                    str(label).split(" (")[0].casefold(),
                ):
                    return known
    return given.lower()
