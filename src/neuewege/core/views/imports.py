"""Importing institutions and people from a file: the upload, the check and its report, the
confirmation, and the template to fill in."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from .. import progress, services, uploads
from ..access import IMPORT
from ..errors import DomainError
from ..forms import ImportUploadForm
from ..imports import ImportReport, template_csv
from .base import AccessMixin, progress_response


class ImportUploadView(AccessMixin, View):
    permission = IMPORT
    upload_limit = ImportUploadForm.MAX_BYTES

    def page(self, form):
        imports = self.region.imports.defer("content", "report")
        return self.render(
            "core/import_upload.html",
            form=form,
            batches=imports.filter(applied_at__isnull=False)[:10],
            pending=imports.filter(applied_at__isnull=True, uploaded_by=self.request.user)[:10],
        )

    def get(self, request, region_key):
        return self.page(ImportUploadForm())

    def post(self, request, region_key):
        form = ImportUploadForm(request.POST, uploads.files_of(request))
        if not form.is_valid():
            return self.page(form)
        batch = services.upload_import(
            region=self.region,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            user=request.user,
            language=request.LANGUAGE_CODE,
        )
        return redirect("import-preview", region_key=self.region.key, pk=batch.pk)


class ImportPreviewView(AccessMixin, View):
    """The upload's check while it runs, its report, the confirmation, the import while it runs,
    and its result: one page for the uploader, following the work in the background."""

    permission = IMPORT
    ROWS_PER_PAGE = 500

    def batch(self):
        """The upload, without its file (and, for the progress bar's polling, its report)."""
        polled = self.request.headers.get("HX-Request") == "true"
        return get_object_or_404(
            self.region.imports.defer("content", *(["report"] if polled else [])),
            pk=self.kwargs["pk"],
            uploaded_by=self.request.user,
        )

    def get(self, request, region_key, pk):
        batch = self.batch()
        if batch.applied_at is None:  # else done, even if the task died before saying so
            waiting = progress_response(
                self,
                batch,
                "core/import_progress.html",
                batch=batch,
                label=_("Importing the rows") if batch.confirmed_at else _("Checking the rows"),
            )
            if waiting is not None:
                return waiting
        elif request.headers.get("HX-Request") == "true":
            return HttpResponse(headers={"HX-Refresh": "true"})
        return self.show(batch)

    def post(self, request, region_key, pk):
        batch = self.batch()
        if batch.confirmed_at is None and progress.is_finished(batch):  # else: still checked
            try:
                services.confirm_import(batch=batch)
            except DomainError as error:
                messages.error(request, " ".join(error.messages()))
        return redirect("import-preview", region_key=self.region.key, pk=batch.pk)

    def show(self, batch):
        report = ImportReport.from_json(batch.report) if batch.report else None
        rows = Paginator(report.rows if report else [], self.ROWS_PER_PAGE)
        return self.render(
            "core/import_preview.html",
            batch=batch,
            report=report,
            failed=batch.applied_at is None
            and (batch.work_state == batch.State.FAILED or progress.has_stalled(batch)),
            page=rows.get_page(self.request.GET.get("page")),
            list_url=reverse(
                "institution-list" if batch.kind == "institutions" else "person-list",
                args=[self.region.key],
            ),
        )


class ImportTemplateView(AccessMixin, View):
    permission = IMPORT

    def get(self, request, region_key, kind):
        if kind not in ("institutions", "people"):
            raise Http404
        response = HttpResponse("\ufeff" + template_csv(kind), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="neuewege-{kind}.csv"'
        return response
