"""Documents of regional cooperation: a version of the Regionen-Check as a PDF to file, and
the files of the materials library.

The PDF is made from a Django template by WeasyPrint. It is built from the template alone:
no base URL, and a URL fetcher that refuses every URL, so rendering never reaches the network
or the file system, whatever the answers contain.
"""

from django.http import FileResponse, Http404
from django.template.loader import render_to_string
from django.utils.translation import get_language
from weasyprint import HTML, URLFetcher

from .forms import RegionCheckForm
from .models import MaterialVersion, RegionCheck
from .selectors import compare_checks


class _NoFetching(URLFetcher):
    """Refuses every URL (http, file, data …). WeasyPrint logs the refusal and goes on."""

    def fetch(self, url, headers=None):
        raise ValueError(f"Documents fetch nothing: {url}")


def check_pdf(check: RegionCheck) -> bytes:
    """One version of a region's Regionen-Check as a PDF, in the active language."""
    rows = {row.name: row for row in compare_checks(check, check)}
    parts = [(title, [rows[name] for name in names]) for title, names in RegionCheckForm.PARTS]
    html = render_to_string(
        "cooperation/check_pdf.html",
        {
            "check": check,
            "region": check.region,
            "parts": parts,
            "LANGUAGE_CODE": get_language(),
        },
    )
    return html_pdf(html)


def html_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=None, url_fetcher=_NoFetching()).write_pdf()


def material_file(version: MaterialVersion) -> FileResponse:
    """The uploaded file to download, under the name it was uploaded with."""
    try:
        opened = version.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(opened, as_attachment=True, filename=version.filename)
