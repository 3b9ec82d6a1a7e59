"""The exchange in Open Referral HSDS 3.0: the upload of a file to import into the region, and
its check and import with the report (created, updated, refused per record)."""

from django.shortcuts import get_object_or_404, redirect
from django.views import View

from neuewege.core import progress, uploads
from neuewege.core.views.base import AccessMixin, progress_response

from ..forms import HsdsImportForm
from ..hsds.importing import Report
from ..permissions import EXCHANGE
from ..services import upload_hsds


class HsdsImportView(AccessMixin, View):
    permission = EXCHANGE
    upload_limit = HsdsImportForm.MAX_BYTES

    def page(self, form):
        return self.render(
            "navigator/hsds_import.html",
            form=form,
            imports=self.region.hsds_imports.filter(uploaded_by=self.request.user).defer(
                "content", "report"
            )[:10],
        )

    def get(self, request, region_key):
        return self.page(HsdsImportForm())

    def post(self, request, region_key):
        form = HsdsImportForm(request.POST, uploads.files_of(request))
        if not form.is_valid():
            return self.page(form)
        record = upload_hsds(
            region=self.region,
            upload=form.cleaned_data["file"],
            user=request.user,
            language=request.LANGUAGE_CODE,
            check_only=form.cleaned_data["check_only"],
        )
        return redirect("hsds-import-result", region_key=self.region.key, import_id=record.pk)


class HsdsImportResultView(AccessMixin, View):
    """The check and import while they run (a progress bar), then the report."""

    permission = EXCHANGE

    def get(self, request, region_key, import_id):
        polled = request.headers.get("HX-Request") == "true"
        record = get_object_or_404(
            self.region.hsds_imports.defer("content", *(["report"] if polled else [])),
            pk=import_id,
            uploaded_by=request.user,
        )
        waiting = progress_response(
            self, record, "navigator/hsds_import_progress.html", record=record
        )
        if waiting is not None:  # running; or, to the polling, done
            return waiting
        report = Report.from_json(record.report) if record.report else None
        return self.render(
            "navigator/hsds_import_result.html",
            record=record,
            report=report,
            failed=report is None
            and (record.work_state == record.State.FAILED or progress.has_stalled(record)),
        )
