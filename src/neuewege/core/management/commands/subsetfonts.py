"""`neuewege subsetfonts`: cuts KERN's Fira Sans (node_modules, 130 KB a weight) down to the
weights and scripts the pages use, and writes the files and their @font-face rules to
static/neuewege/fonts/ (committed: a deployment needs no font tools; run it again when KERN
updates the font or a page needs another weight or script).

Each weight is split by script (Latin, Latin Extended-A for Turkish and Polish, Cyrillic for
Ukrainian and Russian); ``unicode-range`` lets a browser load only the parts a page's text
needs. Fira Sans has no Arabic: Arabic text uses the device's Arabic font (parents.css).
Fira Sans is under the SIL Open Font License 1.1 without a reserved font name, which allows
subsets; the licence lies next to the files (OFL.txt)."""

from django.conf import settings
from django.core.management.base import BaseCommand

SOURCE = settings.BASE_DIR / "node_modules" / "@kern-ux" / "native" / "dist" / "fonts" / "fira-sans"
TARGET = settings.PACKAGE_DIR / "static" / "neuewege" / "fonts"
# KERN's styles ask for 400 (text), 500 (balanced headings, sublines) and 600 (headings, labels,
# strong); 700 (b, strong in our styles) falls to 600, italics are slanted by the browser.
WEIGHTS = {400: "Regular", 500: "Medium", 600: "SemiBold"}
# the ranges of Google Fonts' subsets, less what no page language needs
RANGES = {
    "latin": "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, "
    "U+2000-206F, U+20AC, U+2122, U+2190-2193, U+2212, U+2215, U+FEFF, U+FFFD",
    "latin-ext": "U+0100-0130, U+0132-0151, U+0154-017F",
    "cyrillic": "U+0301, U+0400-045F, U+0490-0491, U+04B0-04B1, U+2116",
}
# kerning, ligatures, contextual forms and combining marks; no small caps, figures' variants…
FEATURES = "kern,liga,calt,ccmp,locl,mark,mkmk"
CSS_HEADER = """/* Fira Sans (SIL Open Font License 1.1, OFL.txt), cut by `neuewege subsetfonts`:
   do not edit, run the command. A browser loads a file only when a page has text in its range. */
"""


def font_face(weight: int, script: str) -> str:
    return (
        "@font-face {\n"
        '  font-family: "Fira Sans";\n'
        f'  src: url("fira-sans-{weight}-{script}.woff2") format("woff2");\n'
        f"  font-weight: {weight};\n"
        "  font-style: normal;\n"
        "  font-display: swap;\n"
        f"  unicode-range: {RANGES[script]};\n"
        "}\n"
    )


class Command(BaseCommand):
    help = "Cut KERN's Fira Sans down to the weights and scripts the pages use."
    requires_system_checks = []

    def handle(self, *args, **options):
        from fontTools import subset

        TARGET.mkdir(parents=True, exist_ok=True)
        rules = []
        for weight, style in WEIGHTS.items():
            for script, unicodes in RANGES.items():
                path = TARGET / f"fira-sans-{weight}-{script}.woff2"
                options = subset.Options(flavor="woff2", layout_features=FEATURES.split(","))
                font = subset.load_font(str(SOURCE / f"FiraSans-{style}.woff2"), options)
                subsetter = subset.Subsetter(options)
                subsetter.populate(unicodes=subset.parse_unicodes(unicodes.replace(" ", "")))
                subsetter.subset(font)
                subset.save_font(font, str(path), options)
                rules.append(font_face(weight, script))
                self.stdout.write(f"{path.name}: {path.stat().st_size / 1024:.1f} KiB")
        (TARGET / "fonts.css").write_text(CSS_HEADER + "\n".join(rules))
