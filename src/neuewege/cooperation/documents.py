"""Documents of regional cooperation: a version of the Regionen-Check as a PDF to file, and
the files of the materials library.

The PDF is made from a template extending ``core/pdf_base.html`` by ``core.documents``
(WeasyPrint, fetching nothing, PDF/A-2b with tags); the exporter "region-check" serves it.
"""

from django.http import FileResponse, Http404

from neuewege.core.documents import render_pdf

from .forms import RegionCheckForm
from .models import MaterialVersion, RegionCheck
from .selectors import compare_checks


def check_pdf(check: RegionCheck) -> bytes:
    """One version of a region's Regionen-Check as a PDF, in the active language."""
    rows = {row.name: row for row in compare_checks(check, check)}
    parts = [(title, [rows[name] for name in names]) for title, names in RegionCheckForm.PARTS]
    return render_pdf(
        "cooperation/check_pdf.html", {"check": check, "region": check.region, "parts": parts}
    )


def material_file(version: MaterialVersion) -> FileResponse:
    """The uploaded file to download, under the name it was uploaded with."""
    try:
        opened = version.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(opened, as_attachment=True, filename=version.filename)
