"""Staff pages of §4 and the Lotsenbroschüre: the case manager's childcare search for a client's
postcode, the client's sheet (PDF through ``core.exporters``, or a page to print), the
Jugendamt's page to keep its childcare information, and a family centre's brochure."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View

from neuewege.core import exporters
from neuewege.core.errors import DomainError, ValidationFailed
from neuewege.core.models import Institution
from neuewege.core.views.base import AccessMixin, add_domain_errors

from .. import childcare, services
from ..childcare_forms import (
    BrochureForm,
    ChildcareSearchForm,
    ContactFormSet,
    DistrictForm,
    VacancyFormSet,
    kept,
)
from ..exporters import BROCHURE_PDF, SHEET, family_centre, sheet_context
from ..permissions import BROCHURE, CHILDCARE, KEEP_CHILDCARE


class ChildcareSearch(AccessMixin, View):
    """One search by the client's postcode (staff: internal numbers shown)."""

    permission = CHILDCARE

    def get(self, request, region_key):
        bound = "postcode" in request.GET
        return search_page(self, ChildcareSearchForm(request.GET) if bound else None)


def search_page(view, form):
    """The search page, with the result of a valid search or the errors at the fields."""
    result = None
    if form is None:
        form = ChildcareSearchForm()
    elif form.is_valid():
        try:
            result = childcare.childcare_search(form.cleaned_data["postcode"], region=view.region)
        except ValidationFailed as error:
            add_domain_errors(form, error)
    response = view.render("navigator/childcare_search.html", form=form, result=result)
    if form.is_bound and form.errors:
        response.status_code = 400
    return response


class ChildcareSheet(AccessMixin, View):
    """The client's sheet: the PDF, or (``print``) a page to print, in the client's language."""

    permission = CHILDCARE

    def get(self, request, region_key):
        if "postcode" not in request.GET:  # nothing asked yet: the search
            return search_page(self, None)
        form = ChildcareSearchForm(request.GET)
        if not form.is_valid():
            return search_page(self, form)
        postcode, language = form.cleaned_data["postcode"], form.cleaned_data["language"]
        try:
            result = childcare.childcare_search(postcode, for_parents=True)
        except ValidationFailed as error:
            add_domain_errors(form, error)
            return search_page(self, form)
        if "print" not in request.GET:
            params = {"region_key": region_key, "postcode": postcode, "language": language}
            return exporters.download(request, SHEET.name, "pdf", params)
        with translation.override(language):  # the sheet in the client's language, the page not
            sheet = render_to_string(
                "navigator/_sheet_content.html", sheet_context(result), request
            )
            bidi = translation.get_language_bidi()
        return self.render(
            "navigator/childcare_sheet_print.html",
            sheet=sheet,
            language=language,
            bidi=bidi,
            result=result,
        )


class ChildcareEdit(AccessMixin, View):
    """The Jugendamt keeps its district, contacts, texts and the family centres' free places."""

    permission = KEEP_CHILDCARE

    def get_record(self):
        office = (
            self.access.institutions()
            .filter(kind=Institution.Kind.YOUTH_WELFARE_OFFICE, pk=self.kwargs["pk"])
            .select_related("region")
            .first()
        )
        if office is None:
            raise Http404
        return office

    def forms(self, data=None):
        district = childcare.district_of_youth_office(self.record)
        contacts = [
            {
                "topic": contact.topic,
                "name": contact.name,
                "phone": contact.phone,
                "email": contact.email,
                "internal_phone": contact.internal_phone,
                "hours": contact.hours,
            }
            for contact in (district.contacts.all() if district else [])
        ]
        vacancies = [
            {"centre": row.centre, "places": row.places, "ages": row.ages}
            for row in (district.vacancies.select_related("centre") if district else [])
        ]
        kwargs = {"region": self.record.region}
        return (
            DistrictForm(data, instance=district),
            ContactFormSet(data, initial=contacts, prefix="contacts"),
            VacancyFormSet(data, initial=vacancies, prefix="vacancies", form_kwargs=kwargs),
        )

    def page(self, district_form, contact_forms, vacancy_forms, status=200):
        response = self.render(
            "navigator/childcare_edit.html",
            office=self.record,
            form=district_form,
            contact_forms=contact_forms,
            vacancy_forms=vacancy_forms,
        )
        response.status_code = status
        return response

    def get(self, request, pk):
        return self.page(*self.forms())

    def post(self, request, pk):
        district_form, contact_forms, vacancy_forms = self.forms(request.POST)
        valid = all([district_form.is_valid(), contact_forms.is_valid(), vacancy_forms.is_valid()])
        if valid:
            try:
                services.keep_childcare(
                    access=self.access,
                    youth_office=self.record,
                    **district_form.cleaned_data,
                    contacts=kept(contact_forms),
                    vacancies=kept(vacancy_forms),
                )
            except DomainError as error:
                add_domain_errors(district_form, error)
            else:
                messages.success(request, _("The childcare information is saved."))
                return redirect("childcare-edit", pk=pk)
        return self.page(district_form, contact_forms, vacancy_forms, status=400)


class CentreBrochure(AccessMixin, View):
    """A family centre's Lotsenbroschüre: radius, language and page size, then the PDF."""

    permission = BROCHURE

    def get_record(self):
        try:
            return family_centre(self.access, self.kwargs["pk"])
        except exporters.NotFound as error:
            raise Http404 from error

    def get(self, request, pk):
        form = BrochureForm(request.GET) if "download" in request.GET else BrochureForm()
        if form.is_bound and form.is_valid():
            params = {"institution": str(pk)} | {
                key: str(value) for key, value in form.cleaned_data.items()
            }
            return exporters.download(request, BROCHURE_PDF.name, "pdf", params)
        response = self.render("navigator/brochure.html", centre=self.record, form=form)
        if form.is_bound:
            response.status_code = 400
        return response
