import base64
from datetime import timedelta

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View, i18n
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import exporters, limits, privacy, progress, selectors, services, uploads
from .access import (
    CHANGE,
    DELETE,
    IMPORT,
    MANAGE_ACCOUNTS,
    PARENT_DATA,
    PUBLIC,
    SIGN_IN_STEP,
    SIGNED_IN,
    VIEW,
    VIEW_AUDIT,
    Access,
    access_for,
    public,
)
from .clients import client_ip
from .errors import DomainError
from .filters import InstitutionFilter, PersonFilter
from .forms import (
    AccountForm,
    ApiTokenForm,
    BarrierReportForm,
    ConfirmAuthenticatorForm,
    ImportUploadForm,
    InstitutionForm,
    InvitationForm,
    NetworkMemberForm,
    OpeningHoursForm,
    ParentContactForm,
    PersonForm,
    RegionSecondFactorForm,
    RemoveSecondFactorForm,
    SecondFactorCodeForm,
    ThrottledPasswordChangeForm,
)
from .imports import ImportReport, template_csv
from .middleware import second_factor_step
from .models import Institution, Person, RecoveryCodeDevice
from .signin import retry_at, wait_page


def submit(request, form, save, success_message):
    """Validate ``form`` and pass its data to ``save``. Domain errors land in the form.
    Returns what ``save`` returned, or None when the form must be shown again."""
    if not form.is_valid():
        return None
    try:
        result = save(form.cleaned_data)
    except DomainError as error:
        add_domain_errors(form, error)
        return None
    messages.success(request, success_message)
    return result


def add_domain_errors(form, error: DomainError):
    """Show a domain error at its field, or at the top of the form."""
    for field, field_messages in error.errors.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


class AccessMixin(LoginRequiredMixin):
    """Every staff page: signed in, and ``permission`` (a name of ``core.access``) on the page's
    record or region.

    Pages of a region take ``region_key`` from the URL; pages of one record override
    ``get_record`` (from a selector scoped to the account, so that what lies outside the
    account's regions is answered with 404). ``permission_object`` names what the permission is
    asked about: the record, else the region. A permission the role does not have: 403. Pages
    with ``programme_wide`` may also be of no region (the programme's own records, e.g. its
    materials): then ``region`` is None.
    """

    permission: str  # every page declares one; the URL check and the permission matrix read it
    programme_wide = False
    access: Access

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.access = request.access = access_for(request.user)  # the page's, for the shell too
        self.record = self.get_record()
        key = kwargs.get("region_key")
        if self.record is not None:
            self.region = self.record.region
        else:
            self.region = self.access.regions_by_key.get(key) if key else None
        of_no_region = self.programme_wide and key is None
        if self.region is None and not of_no_region:
            raise Http404
        if not self.access.has(self.permission, self.permission_object()):
            raise DjangoPermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_record(self):
        return None

    def permission_object(self):
        return self.record if self.record is not None else self.region

    def render(self, template, **context):
        context.setdefault("region", self.region)
        return render(self.request, template, context)


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


def paginate(request, queryset):
    return Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))


@public
def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    access = access_for(request.user)
    if access.sees_all_regions:
        return redirect("state-overview")
    regions = list(access.regions()[:2])
    if len(regions) == 1:
        return redirect("region-home", region_key=regions[0].key)
    return redirect("region-list")


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
            counts=selectors.institution_counts_by_kind(self.region),
            people_count=self.access.people().filter(institution__region=self.region).count(),
            expiring=selectors.certifications_expiring(self.region)[:20],
            today=timezone.localdate(),
        )


class InstitutionListView(AccessMixin, View):
    permission = VIEW

    def get(self, request, region_key):
        filters = InstitutionFilter(
            request.GET,
            selectors.institutions(self.access, region=self.region),
            access=self.access,
            region=self.region,
        )
        return self.render(
            "core/institution_list.html",
            page=paginate(request, filters.qs),
            filters=filters,
            can_create=self.access.has(IMPORT, self.region),
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


class ConfirmDeleteMixin:
    """GET asks for confirmation, POST calls ``delete``; a refusal is shown on the record."""

    detail_url_name = list_url_name = success_message = ""

    def get(self, request, pk):
        return self.render(
            "core/confirm_delete.html",
            record=self.record,
            cancel_url=reverse(self.detail_url_name, kwargs={"pk": pk}),
        )

    def post(self, request, pk):
        try:
            self.delete()
        except DomainError as error:
            messages.error(request, " ".join(error.messages()))
            return redirect(self.detail_url_name, pk=pk)
        messages.success(request, self.success_message % {"name": self.record})
        return redirect(self.list_url_name, region_key=self.region.key)


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


class AccountListView(AccessMixin, View):
    permission = MANAGE_ACCOUNTS

    def get(self, request, region_key):
        accounts = (
            self.access.accounts()
            .filter(Q(person__institution__region=self.region) | Q(regions=self.region))
            .distinct()
            .select_related("person__institution")
            .prefetch_related("regions")
            .annotate(
                has_second_factor=Exists(
                    TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
                )
            )
        )
        return self.render("core/account_list.html", accounts=accounts)


class AccountInviteView(AccessMixin, View):
    permission = MANAGE_ACCOUNTS

    def get(self, request, region_key):
        form = InvitationForm(access=self.access, initial={"regions": [self.region]})
        return self.render("core/account_form.html", form=form)

    def post(self, request, region_key):
        form = InvitationForm(request.POST, access=self.access)
        sent = _("The invitation was sent to %(email)s.") % {"email": form.data.get("email")}
        if submit(
            request,
            form,
            lambda data: services.invite_account(
                access=self.access,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=data["role"],
                region_ids=[region.id for region in data["regions"]],
                person=data["person"],
                base_url=request.build_absolute_uri("/").rstrip("/"),
            ),
            sent,
        ):
            return redirect("account-list", region_key=self.region.key)
        return self.render("core/account_form.html", form=form)


class AccountUpdateView(AccessMixin, View):
    permission = MANAGE_ACCOUNTS

    def account(self):
        return get_object_or_404(self.access.accounts(), pk=self.kwargs["pk"])

    def get(self, request, region_key, pk):
        account = self.account()
        form = AccountForm(
            access=self.access,
            account=account,
            initial={
                "role": account.role,
                "regions": list(account.regions.all()),
                "person": account.person,
                "is_active": account.is_active,
            },
        )
        return self.render("core/account_form.html", form=form, account=account)

    def post(self, request, region_key, pk):
        account = self.account()
        if "resend" in request.POST:
            try:
                services.resend_invitation(
                    access=self.access,
                    user=account,
                    base_url=request.build_absolute_uri("/").rstrip("/"),
                )
            except DomainError as error:
                messages.error(request, " ".join(error.messages()))
            else:
                messages.success(
                    request,
                    _("The invitation was sent again to %(email)s.") % {"email": account.email},
                )
            return redirect("account-list", region_key=self.region.key)
        form = AccountForm(request.POST, access=self.access, account=account)
        if submit(
            request,
            form,
            lambda data: services.update_account(
                access=self.access,
                user=account,
                role=data["role"],
                region_ids=[region.id for region in data["regions"]],
                person=data["person"],
                is_active=data["is_active"],
            ),
            _("The account was saved."),
        ):
            return redirect("account-list", region_key=self.region.key)
        return self.render("core/account_form.html", form=form, account=account)


def progress_response(view, work, template, **context):
    """While ``work`` (core/progress.py) is not finished: ``template`` with a progress bar, and to
    htmx's polling the bar alone. Once finished (or stalled): to the polling, a reload of the
    page; to anything else None, and the view shows the result."""
    polled = view.request.headers.get("HX-Request") == "true"
    if progress.is_finished(work) or progress.has_stalled(work):
        return HttpResponse(headers={"HX-Refresh": "true"}) if polled else None
    context |= {"work": work, "percent": progress.percent(work), "poll_url": view.request.path}
    if polled:
        return render(view.request, "includes/progress.html", context)
    return view.render(template, **context)


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


class AuditLogView(AccessMixin, View):
    permission = VIEW_AUDIT

    def get(self, request, region_key):
        return self.render(
            "core/audit_log.html", page=paginate(request, selectors.region_audit_log(self.region))
        )


class ParentDataView(AccessMixin, View):
    """A parent's rights (DSGVO Art. 15 and 17): find what is stored about one parent in the
    region by e-mail or phone, download it (JSON or PDF) or erase it. The search is a POST, so
    that no contact lands in an address or a log."""

    permission = PARENT_DATA

    def get(self, request, region_key):
        return self.render("core/parent_data.html", form=ParentContactForm())

    def post(self, request, region_key):
        form = ParentContactForm(request.POST)
        if not form.is_valid():
            return self.render("core/parent_data.html", form=form)
        contact = {"email": form.cleaned_data["email"], "phone": form.cleaned_data["phone"]}
        step = request.POST.get("step", "find")
        if step == "erase" and request.POST.get("confirm") == "yes":
            erased = privacy.erase_parent(access=self.access, region=self.region, **contact)
            messages.success(
                request,
                _("Erased: %(rows)s record(s). The anonymous figures stay.")
                % {"rows": sum(erased.values())},
            )
            return redirect("parent-data", region_key=self.region.key)
        if step in ("json", "pdf"):  # the copy: through the exporter "parent-data"
            return exporters.download(
                request, "parent-data", step, {"region_key": self.region.key, **contact}
            )
        found = privacy.show_parent(access=self.access, region=self.region, **contact)
        return self.render(
            "core/parent_data.html",
            form=form,
            found=found,
            searched=True,
            confirm_missing=step == "erase",
        )


class ApiTokenView(LoginRequiredMixin, View):
    permission = SIGNED_IN

    def page(self, form=None, secret=None):
        return render(
            self.request,
            "core/api_tokens.html",
            {
                "form": form or ApiTokenForm(),
                "secret": secret,
                "tokens": self.request.user.api_tokens.all(),
            },
        )

    def get(self, request):
        return self.page()

    def post(self, request):
        if "revoke" in request.POST:
            try:
                services.revoke_api_token(user=request.user, token_id=int(request.POST["revoke"]))
            except (DomainError, ValueError):
                messages.error(request, _("This token does not exist or is already revoked."))
            else:
                messages.success(request, _("The token was revoked."))
            return redirect("api-tokens")
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            _token, secret = services.create_api_token(
                user=request.user, name=form.cleaned_data["name"]
            )
            return self.page(secret=secret)
        return self.page(form=form)


# Public pages


def legal_page(template):
    @public
    def view(request):
        return render(request, template)

    return view


@public
@limits.limit_posts("barrier-report", "core/barrier_report.html")
def barrier_report(request):
    if request.method == "POST":
        form = BarrierReportForm(request.POST)
        if form.is_valid():
            data = {
                name: form.cleaned_data[name] for name in ("page_url", "description", "contact")
            }
            services.report_barrier(**data)
            return redirect(reverse("barrier-report") + "?gesendet=1")  # a reload sends nothing
    elif request.GET.get("gesendet") == "1":
        return render(request, "core/barrier_report.html", {"sent": True})
    else:
        form = BarrierReportForm(initial={"page_url": request.GET.get("page", "")[:500]})
    return render(request, "core/barrier_report.html", {"form": form})


@public
def set_language(request):
    """Django's language switch (a POST with the language and the page to return to)."""
    return i18n.set_language(request)


@public
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


# Signing in: the password change and the second factor


class PasswordChangeView(auth_views.PasswordChangeView):
    permission = SIGNED_IN
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"request": self.request}


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The invitation link (set your password). Links that do not open the form — wrong, used,
    expired or of no account — count per client address (``limits``, "set-password-link");
    beyond the limit every link opened from that address is refused for a while, a valid one
    too."""

    permission = PUBLIC  # the link's token is the key

    def dispatch(self, request, *args, **kwargs):
        address = client_ip(request)
        wait = limits.waiting("set-password-link", address)
        if wait:
            reason = _(
                "Invitation links that do not work were opened too often from your connection. "
                "To protect the accounts, no link is checked from here for a while. If your link "
                "does not work afterwards either, ask your regional coordinator for a new one."
            )
            return wait_page(request, timedelta(seconds=wait), reason)
        response = super().dispatch(request, *args, **kwargs)
        if not self.validlink and response.status_code == 200:  # "this link is not valid"
            limits.hit("set-password-link", address)
        return response


def next_url(request, default="home"):
    """Where to go after a step of signing in: ``next`` if it is a page of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def verify_code(request, form):
    """The device that accepts the form's code, else None with the reason at the code field,
    and the status to answer with (429 while the address may not try codes).

    Wrong codes slow down their device (``services.verify_second_factor``) and count per client
    address ("second-factor-code"): beyond that limit every code from the address is refused
    for a while — the right one too — so that one address cannot try codes at many accounts."""
    address = client_ip(request)
    wait = limits.waiting("second-factor-code", address)
    if wait:
        form.add_error(
            "code",
            _(
                "Too many wrong codes were entered from your connection. For your protection, "
                "try again after %(time)s."
            )
            % {"time": retry_at(timedelta(seconds=wait)).strftime("%H:%M")},
        )
        return None, 429
    try:
        device = services.verify_second_factor(user=request.user, code=form.cleaned_data["code"])
    except DomainError as error:
        limits.hit("second-factor-code", address)
        add_domain_errors(form, error)
        return None, 200
    return device, 200


def pass_second_factor(request, device):
    """The session has passed its second factor: a new session key for the raised rights."""
    django_otp.login(request, device)
    request.session.cycle_key()


class SecondFactorVerifyView(View):
    """After the password: a code from the app, or a recovery code."""

    permission = SIGN_IN_STEP

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if second_factor_step(request.user) != "verify":
            return redirect(next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def page(self, form, status=200):
        return render(
            self.request,
            "registration/second_factor_verify.html",
            {"form": form, "next": next_url(self.request)},
            status=status,
        )

    def get(self, request):
        return self.page(SecondFactorCodeForm())

    def post(self, request):
        form = SecondFactorCodeForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        device, status = verify_code(request, form)
        if device is None:
            return self.page(form, status)
        pass_second_factor(request, device)
        return redirect(next_url(request))


class SecondFactorSetupView(LoginRequiredMixin, View):
    """Add an authenticator app: scan the QR code (or type the secret), confirm with a code;
    the recovery codes are shown once."""

    permission = SIGN_IN_STEP

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and services.has_second_factor(request.user):
            return redirect("second-factor")
        return super().dispatch(request, *args, **kwargs)

    def page(self, form, device):
        secret = base64.b32encode(device.bin_key).decode()
        return render(
            self.request,
            "registration/second_factor_setup.html",
            {
                "form": form,
                "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
                "secret": secret,
                "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
                "required": access_for(self.request.user).must_use_second_factor,
                "next": next_url(self.request, default="second-factor"),
            },
        )

    def get(self, request):
        device = services.start_authenticator_setup(user=request.user)
        return self.page(ConfirmAuthenticatorForm(), device)

    def post(self, request):
        form = ConfirmAuthenticatorForm(request.POST)
        if form.is_valid():
            try:
                device, codes = services.confirm_authenticator(
                    user=request.user, code=form.cleaned_data["code"]
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                pass_second_factor(request, device)
                return self.codes_page(codes, set_up=True)
        return self.page(form, services.start_authenticator_setup(user=request.user))

    def codes_page(self, codes, set_up=False):
        return render(
            self.request,
            "registration/recovery_codes.html",
            {"codes": codes, "set_up": set_up, "next": next_url(self.request, "second-factor")},
        )


class SecondFactorView(LoginRequiredMixin, View):
    """The account's second factor: state, new recovery codes, removal."""

    permission = SIGNED_IN

    def get(self, request):
        app = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
        recovery = RecoveryCodeDevice.objects.filter(user=request.user).first()
        return render(
            request,
            "registration/second_factor.html",
            {
                "app": app,
                "codes_left": recovery.codes.count() if recovery else 0,
                "required": access_for(request.user).must_use_second_factor,
            },
        )

    def post(self, request):
        try:
            codes = services.new_recovery_codes(user=request.user)
        except DomainError as error:
            messages.error(request, " ".join(error.messages()))
            return redirect("second-factor")
        return SecondFactorSetupView(request=request).codes_page(codes)


class SecondFactorRemoveView(LoginRequiredMixin, View):
    """Removing the factor needs the password and a code: a session left open is not enough."""

    permission = SIGN_IN_STEP

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.has_second_factor(request.user):
            return redirect("second-factor")
        return super().dispatch(request, *args, **kwargs)

    def page(self, form, status=200):
        required = access_for(self.request.user).must_use_second_factor
        return render(
            self.request,
            "registration/second_factor_remove.html",
            {"form": form, "required": required},
            status=status,
        )

    def get(self, request):
        return self.page(RemoveSecondFactorForm())

    def post(self, request):
        form = RemoveSecondFactorForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        # the password is checked like a sign-in (counted by the sign-in throttling)
        user = authenticate(
            request, username=request.user.email, password=form.cleaned_data["password"]
        )
        if user is None or user.pk != request.user.pk:
            form.add_error("password", _("The password is not correct."))
            return self.page(form)
        device, status = verify_code(request, form)
        if device is None:
            return self.page(form, status)
        services.remove_second_factor(user=request.user)
        messages.success(request, _("The second factor was removed."))
        return redirect("second-factor")


class AccountSecondFactorResetView(AccessMixin, View):
    """A colleague lost their phone: the coordinator resets the second factor."""

    permission = MANAGE_ACCOUNTS

    def account(self):
        return get_object_or_404(self.access.accounts(), pk=self.kwargs["pk"])

    def get(self, request, region_key, pk):
        account = self.account()
        return self.render(
            "core/account_second_factor_reset.html",
            account=account,
            has_factor=services.has_second_factor(account),
        )

    def post(self, request, region_key, pk):
        account = self.account()
        try:
            services.reset_second_factor(access=self.access, account=account)
        except DomainError as error:
            messages.error(request, " ".join(error.messages()))
        else:
            messages.success(
                request,
                _("The second factor of %(email)s was reset.") % {"email": account.email},
            )
        return redirect("account-list", region_key=self.region.key)


class RegionSecondFactorView(AccessMixin, View):
    """Whether every account of the region must sign in with a second factor."""

    permission = MANAGE_ACCOUNTS

    def get(self, request, region_key):
        form = RegionSecondFactorForm(initial={"required": self.region.second_factor_required})
        return self.render("core/region_second_factor.html", form=form)

    def post(self, request, region_key):
        form = RegionSecondFactorForm(request.POST)
        if submit(
            request,
            form,
            lambda data: services.require_second_factor(
                access=self.access, region=self.region, required=data["required"]
            ),
            _("Saved."),
        ):
            return redirect("account-list", region_key=self.region.key)
        return self.render("core/region_second_factor.html", form=form)
