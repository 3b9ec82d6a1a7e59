"""Staff pages of the coverage app: the region's demand (family centres' requests) and its
speakers. URL names follow the record their ``pk`` is (the permission matrix relies on it):
``centre-request-…`` a request, ``speaker-capacity-…`` a capacity; ``institution-request-create``
takes the family centre's pk, ``person-speaker-capacity`` the person's."""

from functools import cached_property

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from neuewege.core import uploads
from neuewege.core.views.base import AccessMixin, ConfirmDeleteMixin, submit

from .. import selectors
from ..forms import CentreRequestForm, RequestImportForm, SpeakerCapacityForm
from ..imports import COLUMNS, import_requests, template_csv
from ..models import FORMAT_DEFAULTS
from ..permissions import IMPORT, PLAN, REQUEST, SEE
from ..services.demand import delete_centre_request, save_centre_request, save_speaker_capacity
from ..services.plans import planning_year

MAX_ID = 2**63 - 1


def _record(queryset, pk):
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < number <= MAX_ID:
        raise Http404
    return get_object_or_404(queryset, pk=number)


def _year(request) -> int:
    default = planning_year()
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


class DemandView(AccessMixin, View):
    permission = SEE

    def get(self, request, region_key):
        year = _year(request)
        demand = selectors.region_demand(self.access, self.region, year)
        for entry in demand.centres:
            entry.can_edit = self.access.has(REQUEST, entry.centre)
        return self.render(
            "coverage/demand.html",
            demand=demand,
            year=year,
            years=[year - 1, year + 1],
            can_import=self.access.has(IMPORT, self.region),
        )


def _demand_url(centre_request_or_centre, year):
    region = centre_request_or_centre.region
    return reverse("coverage-demand", kwargs={"region_key": region.key}) + f"?year={year}"


class CentreRequestCreateView(AccessMixin, View):
    """A new request of a family centre (pk: the family centre)."""

    permission = REQUEST

    def get_record(self):
        return _record(
            self.access.institutions().filter(kind="family_centre").select_related("region"),
            self.kwargs["pk"],
        )

    def page(self, form):
        return self.render("coverage/request_form.html", form=form, centre=self.record)

    def get(self, request, pk):
        taken = set(
            self.record.centre_requests.filter(year=_year(request)).values_list("format", flat=True)
        )
        free = [code for code in FORMAT_DEFAULTS if code not in taken]
        initial = {"year": _year(request), "format": free[0] if free else None}
        return self.page(CentreRequestForm(initial=initial))

    def post(self, request, pk):
        form = CentreRequestForm(request.POST)
        saved = submit(
            request,
            form,
            lambda data: save_centre_request(
                access=self.access, region=self.region, family_centre=self.record, data=data
            ),
            _("The request was saved."),
        )
        if saved:
            return redirect(_demand_url(self.record, saved.year) + f"#centre-{self.record.pk}")
        return self.page(form)


class CentreRequestMixin(AccessMixin):
    permission = REQUEST

    def get_record(self):
        return _record(selectors.centre_requests(self.access), self.kwargs["pk"])


class CentreRequestUpdateView(CentreRequestMixin, View):
    def page(self, form):
        return self.render(
            "coverage/request_form.html",
            form=form,
            centre=self.record.family_centre,
            centre_request=self.record,
        )

    def get(self, request, pk):
        return self.page(CentreRequestForm.for_request(self.record))

    def post(self, request, pk):
        form = CentreRequestForm.for_request(self.record, request.POST)
        saved = submit(
            request,
            form,
            lambda data: save_centre_request(
                access=self.access,
                region=self.region,
                family_centre=self.record.family_centre,
                data=data,
                centre_request=self.record,
            ),
            _("The request was saved."),
        )
        if saved:
            centre = self.record.family_centre
            return redirect(_demand_url(centre, saved.year) + f"#centre-{centre.pk}")
        return self.page(form)


class CentreRequestDeleteView(CentreRequestMixin, ConfirmDeleteMixin, View):
    detail_url_name = "centre-request-update"
    list_url_name = "coverage-demand"

    @property
    def success_message(self):
        return _("%(name)s was deleted.")

    def delete(self):
        delete_centre_request(access=self.access, centre_request=self.record)


class SpeakerListView(AccessMixin, View):
    permission = SEE

    def get(self, request, region_key):
        speakers = selectors.region_speakers(self.access, self.region)
        return self.render(
            "coverage/speakers.html",
            speakers=speakers,
            can_edit=self.access.has(PLAN, self.region),
            unqualified=sum(1 for speaker in speakers if not speaker.qualified),
        )


class CapacityFormMixin(AccessMixin):
    permission = PLAN

    @cached_property
    def person(self):
        return self.record

    @cached_property
    def capacity(self):
        return self.record

    def page(self, form):
        return self.render(
            "coverage/capacity_form.html",
            form=form,
            person=self.person,
            speaker=selectors.Speaker(
                self.person,
                self.capacity,
                {q.format: q for q in self.person.qualifications.all()},
            ),
        )

    def get(self, request, pk):
        return self.page(SpeakerCapacityForm.for_capacity(self.capacity))

    def post(self, request, pk):
        form = SpeakerCapacityForm.for_capacity(self.capacity, request.POST)
        saved = submit(
            request,
            form,
            lambda data: save_speaker_capacity(access=self.access, person=self.person, data=data),
            _("The speaker's capacity was saved."),
        )
        if saved:
            url = reverse("coverage-speakers", kwargs={"region_key": self.region.key})
            return redirect(url + f"#person-{self.person.pk}")
        return self.page(form)


class SpeakerCapacityUpdateView(CapacityFormMixin, View):
    """A speaker's capacity (pk: the capacity)."""

    def get_record(self):
        return _record(selectors.capacities(self.access), self.kwargs["pk"])

    @cached_property
    def person(self):
        return self.record.person


class PersonSpeakerCapacityView(CapacityFormMixin, View):
    """The capacity of a person of the employment agency, job centre or an education provider
    (pk: the person); the one they have, or a new one."""

    def get_record(self):
        person = _record(selectors.speakers(self.access), self.kwargs["pk"])
        person.region = person.institution.region  # the page's region (AccessMixin)
        return person

    @cached_property
    def capacity(self):
        return selectors.capacities(self.access).filter(person=self.person).first()

    def permission_object(self):
        return self.person


class RequestImportView(AccessMixin, View):
    """The region's requests from a file: every problem by line and column, nothing saved from
    a file with any; a file without is applied at once, all rows in one transaction."""

    permission = IMPORT
    upload_limit = RequestImportForm.MAX_BYTES

    def page(self, form, report=None):
        return self.render(
            "coverage/request_import.html", form=form, report=report, columns=COLUMNS
        )

    def get(self, request, region_key):
        return self.page(RequestImportForm(initial={"year": _year(request)}))

    def post(self, request, region_key):
        form = RequestImportForm(request.POST, uploads.files_of(request))
        if not form.is_valid():
            return self.page(form)
        upload, year = form.cleaned_data["file"], form.cleaned_data["year"]
        report = import_requests(
            access=self.access,
            region=self.region,
            year=year,
            filename=upload.name,
            content=upload.read(),
        )
        if not report.is_valid:
            return self.page(form, report)
        messages.success(
            request,
            _("Import finished: %(created)s requests added, %(updated)s changed.")
            % {"created": report.created_count, "updated": report.updated_count},
        )
        url = reverse("coverage-demand", kwargs={"region_key": self.region.key})
        return redirect(f"{url}?year={year}")


class RequestImportTemplateView(AccessMixin, View):
    permission = IMPORT

    def get(self, request, region_key):
        response = HttpResponse("\ufeff" + template_csv(), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="neuewege-bedarfe.csv"'
        return response
