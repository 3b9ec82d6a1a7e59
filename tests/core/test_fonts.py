"""The cut fonts (static/neuewege/fonts, `neuewege subsetfonts`) draw every letter of the pages'
languages but Arabic (which uses the device's Arabic font): each character of the translations
lies in the unicode-range of a font file of each weight, and that file has its glyph."""

import re
import unicodedata
from functools import cache

import pytest
from django.conf import settings
from fontTools.ttLib import TTFont

from neuewege.core.management.commands.subsetfonts import RANGES, TARGET, WEIGHTS

LANGUAGES = ["de", "en", "tr", "uk", "ru", "pl"]  # ar: no Arabic in Fira Sans
FACE = re.compile(r"@font-face\s*{(.*?)}", re.S)


def faces() -> list[dict]:
    css = (TARGET / "fonts.css").read_text()
    found = []
    for body in FACE.findall(css):
        fields = {
            key.strip(): value.strip() for key, value in re.findall(r"([\w-]+):([^;]+);", body)
        }
        found.append(
            {
                "file": re.search(r'url\("([^"]+)"\)', fields["src"]).group(1),
                "weight": int(fields["font-weight"]),
                "display": fields["font-display"],
                "ranges": parse_ranges(fields["unicode-range"]),
            }
        )
    return found


def parse_ranges(text: str) -> list[range]:
    ranges = []
    for part in text.split(","):
        start, _, end = part.strip().removeprefix("U+").partition("-")
        ranges.append(range(int(start, 16), int(end or start, 16) + 1))
    return ranges


@cache
def glyphs(file: str) -> frozenset:
    return frozenset(TTFont(TARGET / file).getBestCmap())


def characters(language: str) -> set[str]:
    """The characters of a language's messages (msgid and msgstr: English shows through)."""
    po = (settings.PACKAGE_DIR / "locale" / language / "LC_MESSAGES" / "django.po").read_text()
    text = "".join(re.findall(r'^(?:msgid|msgstr(?:\[\d\])?)?\s*"(.*)"$', po, re.M))
    return {
        char
        for char in text.replace("\\n", " ").replace('\\"', '"')
        if not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf")
    }


def test_every_weight_has_a_file_for_every_script_shown_as_soon_as_loaded():
    found = faces()
    assert {(face["weight"], face["file"]) for face in found} == {
        (weight, f"fira-sans-{weight}-{script}.woff2") for weight in WEIGHTS for script in RANGES
    }
    assert all(face["display"] == "swap" for face in found)
    assert all((TARGET / face["file"]).stat().st_size < 24 * 1024 for face in found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_fonts_draw_every_letter_of_the_translations(language):
    missing = {}
    for weight in WEIGHTS:
        for char in sorted(characters(language)):
            code = ord(char)
            files = [
                face["file"]
                for face in faces()
                if face["weight"] == weight and any(code in r for r in face["ranges"])
            ]
            if not files or not any(code in glyphs(file) for file in files):
                missing.setdefault(weight, []).append(f"{char} U+{code:04X}")
    assert missing == {}
