"""The page of a family centre's evidence pack for the Gütesiegel: the review period, and the
PDF and the ZIP through the one download path (``core.exporters``, exporter
``centre-evidence``)."""

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views import View

from neuewege.core import exporters
from neuewege.core.errors import ValidationFailed
from neuewege.core.forms import date_field
from neuewege.core.views.base import AccessMixin

from .. import evidence
from ..permissions import EVIDENCE

FORMATS = ("pdf", "zip")


class PeriodForm(forms.Form):
    since = date_field(_("From"), required=False)
    until = date_field(_("Until"), required=False)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.period = evidence.review_period(data.get("since"), data.get("until"))
        except ValidationFailed as error:
            for field, messages in error.errors.items():
                label = f"{self.fields[field].label}: " if field in self.fields else ""
                for message in messages:  # the field shows its label: not twice
                    self.add_error(field, message.removeprefix(label))
        return data


class CentreEvidence(AccessMixin, View):
    permission = EVIDENCE

    def get_record(self):
        try:
            return evidence.family_centre(self.access, self.kwargs["pk"])
        except evidence.NotFound as error:
            raise Http404 from error

    def get(self, request, pk):
        fmt = request.GET.get("download", "")
        if fmt or "since" in request.GET or "until" in request.GET:
            form = PeriodForm(request.GET)
            if form.is_valid() and fmt in FORMATS:
                period = form.period
                params = {
                    "institution": str(pk),
                    "since": period.since.isoformat(),
                    "until": period.until.isoformat(),
                }
                return exporters.download(request, evidence.EVIDENCE_PACK.name, fmt, params)
        else:
            default = evidence.default_period()
            form = PeriodForm(initial={"since": default.since, "until": default.until})
        response = self.render(
            "agreements/evidence.html",
            centre=self.record,
            form=form,
            min_hours=evidence.MIN_TRAINING_HOURS,
            max_years=evidence.MAX_YEARS,
        )
        if form.is_bound and form.errors:
            response.status_code = 400
        return response
