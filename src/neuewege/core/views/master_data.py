"""The region's master data: its regions, institutions (with their opening hours and the
Kitas of a family centre's network) and people."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from .. import selectors, services, start
from ..access import CHANGE, DELETE, IMPORT, SIGNED_IN, VIEW, access_for
from ..errors import DomainError
from ..filters import InstitutionFilter, PersonFilter
from ..forms import InstitutionForm, NetworkMemberForm, OpeningHoursForm, PersonForm
from ..models import Institution, Person
from ..navigation import institution_entries
from .base import AccessMixin, ConfirmDeleteMixin, paginate, submit


class InstitutionRecordMixin(AccessMixin):
    permission = VIEW

    def get_record(self):
        try:
            return selectors.institution_detail(self.access, self.kwargs["pk"])
        except Institution.DoesNotExist as error:
            raise Http404 from error


class PersonRecordMixin(AccessMixin):
    permission = VIEW

    def get_record(self):
        person = get_object_or_404(
            self.access.people().select_related("institution__region"), pk=self.kwargs["pk"]
        )
        person.region = person.institution.region
        return person


class RegionListView(LoginRequiredMixin, View):
    permission = SIGNED_IN

    def get(self, request):
        regions = access_for(request.user).regions()
        return render(request, "core/region_list.html", {"regions": regions})


class RegionHomeView(AccessMixin, View):
    permission = VIEW

    def get(self, request, region_key):
        return self.render(
            "core/region_home.html",
            panels=start.panels(self.access, self.region, request),
            today=timezone.localdate(),
        )


class InstitutionListView(AccessMixin, View):
    permission = VIEW

    def get(self, request, region_key):
        filters = InstitutionFilter(
            request.GET,
            selectors.institution_rows(self.access, region=self.region),
            access=self.access,
            region=self.region,
        )
        return self.render(
            "core/institution_list.html",
            page=paginate(request, filters.qs),
            filters=filters,
            can_create=self.access.has(IMPORT, self.region),
            counts=selectors.institution_counts_by_kind(self.region),
            people_count=self.access.people().filter(institution__region=self.region).count(),
        )


class InstitutionCreateView(AccessMixin, View):
    permission = IMPORT  # creating institutions belongs to the coordinator

    def get(self, request, region_key):
        return self.render("core/institution_form.html", form=InstitutionForm(region=self.region))

    def post(self, request, region_key):
        form = InstitutionForm(request.POST, region=self.region)
        institution = submit(
            request,
            form,
            lambda data: services.save_institution(
                access=self.access, data=data | {"region": self.region}
            ),
            _("The institution was saved."),
        )
        if institution:
            return redirect("institution-detail", pk=institution.pk)
        return self.render("core/institution_form.html", form=form)


class InstitutionDetailView(InstitutionRecordMixin, View):
    def get(self, request, pk):
        institution = self.record
        map_points = (
            [
                {
                    "lat": float(institution.latitude),
                    "lon": float(institution.longitude),
                    "name": institution.name,
                }
            ]
            if institution.has_coordinates
            else []
        )
        return self.render(
            "core/institution_detail.html",
            institution=institution,
            can_change=self.access.has(CHANGE, institution),
            people=institution.people.all(),
            map_points=map_points,
            institution_links=institution_entries(self.access, institution),
        )


class InstitutionUpdateView(InstitutionRecordMixin, View):
    permission = CHANGE

    def get(self, request, pk):
        form = InstitutionForm(instance=self.record, region=self.region)
        return self.render("core/institution_form.html", form=form, institution=self.record)

    def post(self, request, pk):
        form = InstitutionForm(request.POST, instance=self.record, region=self.region)
        if submit(
            request,
            form,
            lambda data: services.save_institution(
                access=self.access,
                data=data,
                institution=Institution.objects.get(pk=self.record.pk),
            ),
            _("The institution was saved."),
        ):
            return redirect("institution-detail", pk=self.record.pk)
        return self.render("core/institution_form.html", form=form, institution=self.record)


class InstitutionDeleteView(ConfirmDeleteMixin, InstitutionRecordMixin, View):
    permission = DELETE
    detail_url_name, list_url_name = "institution-detail", "institution-list"
    success_message = gettext_lazy("%(name)s was deleted.")

    def delete(self):
        services.delete_institution(access=self.access, institution=self.record)


class OpeningHoursView(InstitutionRecordMixin, View):
    permission = CHANGE

    def get(self, request, pk):
        form = OpeningHoursForm(institution=self.record)
        return self.render("core/opening_hours_form.html", form=form, institution=self.record)

    def post(self, request, pk):
        form = OpeningHoursForm(request.POST, institution=self.record)
        if submit(
            request,
            form,
            lambda _data: services.set_opening_hours(
                access=self.access, institution=self.record, week=form.week()
            ),
            _("The opening hours were saved."),
        ):
            return redirect("institution-detail", pk=self.record.pk)
        return self.render("core/opening_hours_form.html", form=form, institution=self.record)


class NetworkMembersView(InstitutionRecordMixin, View):
    permission = CHANGE

    def page(self, form=None):
        return self.render(
            "core/network_members.html",
            institution=self.record,
            form=form or NetworkMemberForm(),
            members=self.record.network_members.all(),
        )

    def get(self, request, pk):
        return self.page()

    def post(self, request, pk):
        if "remove" in request.POST:
            try:
                services.remove_network_member(
                    access=self.access,
                    family_centre=self.record,
                    member_id=int(request.POST["remove"]),
                )
            except (DomainError, ValueError):
                messages.error(request, _("This Kita is not a member of the network."))
            else:
                messages.success(request, _("The Kita was removed from the network."))
            return redirect("network-members", pk=self.record.pk)
        form = NetworkMemberForm(request.POST)
        if submit(
            request,
            form,
            lambda data: services.add_network_member(
                access=self.access, family_centre=self.record, data=data
            ),
            _("The Kita was added to the network."),
        ):
            return redirect("network-members", pk=self.record.pk)
        return self.page(form)


class PersonListView(AccessMixin, View):
    permission = VIEW

    def get(self, request, region_key):
        filters = PersonFilter(
            request.GET,
            selectors.people(self.access, region=self.region),
            access=self.access,
            region=self.region,
        )
        return self.render(
            "core/person_list.html",
            page=paginate(request, filters.qs),
            filters=filters,
            can_create=self.access.has(CHANGE, self.region),
        )


class PersonCreateView(AccessMixin, View):
    permission = CHANGE

    def form(self, data=None):
        initial = {"institution": self.request.GET.get("institution")}
        return PersonForm(
            data, initial=initial, institutions=self.access.institutions_for(CHANGE, self.region)
        )

    def get(self, request, region_key):
        return self.render("core/person_form.html", form=self.form())

    def post(self, request, region_key):
        form = self.form(request.POST)
        person = submit(
            request,
            form,
            lambda data: services.save_person(access=self.access, data=data),
            _("The person was saved."),
        )
        if person:
            return redirect("person-detail", pk=person.pk)
        return self.render("core/person_form.html", form=form)


class PersonDetailView(PersonRecordMixin, View):
    def get(self, request, pk):
        return self.render(
            "core/person_detail.html",
            person=self.record,
            can_change=self.access.has(CHANGE, self.record),
        )


class PersonDeleteView(ConfirmDeleteMixin, PersonRecordMixin, View):
    permission = CHANGE
    detail_url_name, list_url_name = "person-detail", "person-list"
    success_message = gettext_lazy("%(name)s was removed.")

    def delete(self):
        services.delete_person(access=self.access, person=self.record)


class PersonUpdateView(PersonRecordMixin, View):
    permission = CHANGE

    def form(self, data=None):
        return PersonForm(
            data,
            instance=self.record,
            institutions=self.access.institutions_for(CHANGE, self.region),
        )

    def get(self, request, pk):
        return self.render("core/person_form.html", form=self.form(), person=self.record)

    def post(self, request, pk):
        form = self.form(request.POST)
        if submit(
            request,
            form,
            lambda data: services.save_person(
                access=self.access, data=data, person=Person.objects.get(pk=self.record.pk)
            ),
            _("The person was saved."),
        ):
            return redirect("person-detail", pk=self.record.pk)
        return self.render("core/person_form.html", form=form, person=self.record)
