"""Staff pages of agreements. URL names follow the record their ``pk`` is (the permission
matrix relies on it): ``agreement-…`` an agreement, ``agreement-version-…`` a version;
``agreement-list`` and ``agreement-create`` take the region's key."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from neuewege.core import uploads
from neuewege.core.errors import DomainError, ValidationFailed
from neuewege.core.views.base import AccessMixin, ConfirmActionMixin, submit

from .. import selectors, services
from ..forms import (
    MAX_SCAN_MB,
    AgreementForm,
    PaperCopyForm,
    RenewForm,
    TerminateForm,
    VersionForm,
    default_term,
)
from ..library import PLACEHOLDERS
from ..models import EXPIRING, SIGNED, STATUS_LABELS, Agreement, Kind, PaperCopy
from ..permissions import CLAUSES, DRAFT, SEE
from ..selectors import NONE

MAX_ID = 2**63 - 1
# the overview's filters, in this order (labels: the statuses', NONE: no agreement)
STATUS_FILTERS = [
    Agreement.Status.IN_FORCE,
    EXPIRING,
    SIGNED,
    Agreement.Status.SIGNING,
    Agreement.Status.DRAFT,
    Agreement.Status.EXPIRED,
    Agreement.Status.TERMINATED,
    NONE,
]


def _record(queryset, pk):
    if not 0 < int(pk) <= MAX_ID:
        raise Http404
    return get_object_or_404(queryset, pk=pk)


class AgreementList(AccessMixin, View):
    """The region's overview: the framework agreement, each family centre's agreement and its
    status, filterable, as a list and a map."""

    permission = SEE

    def get(self, request, region_key):
        today = timezone.localdate()
        overview = selectors.overview(self.region, today)
        wanted = request.GET.get("status", "")
        rows = overview.centres
        if wanted in STATUS_FILTERS:
            rows = [row for row in rows if row.status == wanted]
        return self.render(
            "agreements/agreement_list.html",
            overview=overview,
            rows=rows,
            wanted=wanted,
            filters=[
                (code, STATUS_LABELS.get(code, _("None")), overview.counts.get(code, 0))
                for code in STATUS_FILTERS
            ],
            in_force=sum(
                overview.counts.get(code, 0) for code in (Agreement.Status.IN_FORCE, EXPIRING)
            ),
            can_draft=self.access.has(DRAFT, self.region),
            can_keep_clauses=self.access.has(CLAUSES, self.region),
            others=selectors.agreements(self.access)
            .filter(region=self.region)
            .exclude(pk__in=[row.agreement.pk for row in overview.centres if row.agreement])
            .exclude(pk=overview.framework.pk if overview.framework else None)
            .order_by("-updated_at")[:50],
        )


class AgreementCreate(AccessMixin, View):
    permission = DRAFT

    def page(self, form):
        return self.render("agreements/agreement_form.html", form=form)

    def get(self, request, region_key):
        starts_on, ends_on = default_term(timezone.localdate())
        kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else ""
        initial = {"starts_on": starts_on, "ends_on": ends_on, "renewal_months": 12, "kind": kind}
        form = AgreementForm(initial=initial, region=self.region)
        centre = _int(request.GET.get("centre"))
        if centre:
            initial["family_centre"] = (
                form.fields["family_centre"].queryset.filter(pk=centre).first()
            )
            initial["kind"] = Kind.FAMILY_CENTRE
        # the region's Jobcenter and Agentur (and Jugendamt for the framework) ticked
        initial["parties"] = [
            institution
            for institution in form.fields["parties"].queryset
            if institution.kind != "youth_welfare_office" or initial["kind"] == Kind.FRAMEWORK
        ]
        return self.page(AgreementForm(initial=initial, region=self.region))

    def post(self, request, region_key):
        form = AgreementForm(request.POST, region=self.region)
        agreement = submit(
            request,
            form,
            lambda data: services.create_agreement(
                access=self.access,
                kind=data["kind"],
                region=self.region,
                family_centre=data.get("family_centre"),
                parties=list(data["parties"]),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                renews_automatically=data["renews_automatically"],
                renewal_months=data["renewal_months"],
            ),
            _("The agreement was drawn up from the template, with the platform's data."),
        )
        if agreement:
            return redirect("agreement-detail", pk=agreement.pk)
        return self.page(form)


class AgreementMixin(AccessMixin):
    permission = SEE

    def get_record(self):
        return _record(selectors.agreements(self.access), self.kwargs["pk"])

    def detail(self):
        return redirect("agreement-detail", pk=self.record.pk)

    def preline(self):
        return self.record.title


class AgreementDetail(AgreementMixin, View):
    def get(self, request, pk):
        agreement = selectors.detail(self.record)
        versions = list(agreement.versions.all())
        current = versions[0]
        today = timezone.localdate()
        return self.render(
            "agreements/agreement_detail.html",
            agreement=agreement,
            status=agreement.status_on(today),
            status_label=STATUS_LABELS[agreement.status_on(today)],
            current=current,
            versions=versions,
            parties=selectors.party_states(self.access, agreement),
            keepers=selectors.signing_right_keepers(agreement.region_id),
            can_draft=self.access.has(DRAFT, agreement),
            editable=agreement.status in services.EDITABLE,
            successor=Agreement.objects.filter(predecessor=agreement).first(),
        )


class AgreementEdit(AgreementMixin, View):
    permission = DRAFT

    def page(self, form):
        return self.render(
            "agreements/agreement_edit.html",
            form=form,
            agreement=self.record,
            placeholders=PLACEHOLDERS,
            signatures_void=self.record.status == Agreement.Status.SIGNING,
        )

    def current(self):
        return self.record.versions.first()

    def get(self, request, pk):
        if self.record.status not in services.EDITABLE:
            messages.error(
                request, _("An agreement in force is not changed: renew it to change its text.")
            )
            return self.detail()
        agreement = self.record
        form = VersionForm(
            clauses=self.current().snapshot["clauses"],
            initial={
                "based_on": self.current().number,
                "starts_on": agreement.starts_on,
                "ends_on": agreement.ends_on,
                "renews_automatically": agreement.renews_automatically,
                "renewal_months": agreement.renewal_months,
            },
        )
        return self.page(form)

    def post(self, request, pk):
        form = VersionForm(request.POST, clauses=self.current().snapshot["clauses"])
        if not form.is_valid():
            return self.page(form)
        try:
            version = services.save_version(
                access=self.access,
                agreement=self.record,
                texts=form.texts(),
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                renews_automatically=form.cleaned_data["renews_automatically"],
                renewal_months=form.cleaned_data["renewal_months"],
                note=form.cleaned_data["note"],
                based_on=form.cleaned_data["based_on"],
            )
        except ValidationFailed as error:
            for field, field_messages in error.errors.items():
                for message in field_messages:
                    form.add_error(field if field in form.fields else None, message)
            return self.page(form)
        if version is None:
            messages.info(request, _("Nothing changed: no new version."))
            return self.detail()
        messages.success(
            request,
            _("Saved as version %(number)d.") % {"number": version.number},
        )
        return redirect("agreement-version-detail", pk=version.pk)


class VersionDetail(AccessMixin, View):
    """A version: its text, what changed against the one before (changed words marked), its
    signatures (also those a later change voided)."""

    permission = SEE

    def get_record(self):
        return _record(selectors.agreement_versions(self.access), self.kwargs["pk"])

    def get(self, request, pk):
        version = self.record
        older = version.agreement.versions.filter(number__lt=version.number).first()
        return self.render(
            "agreements/version_detail.html",
            version=version,
            agreement=version.agreement,
            older=older,
            changes=selectors.comparison(older, version),
            facts_changed=selectors.facts_changed(older, version),
            signatures=version.signatures.select_related("party__institution", "paper_copy"),
            is_current=version.agreement.versions.first().pk == version.pk,
            term=[date.fromisoformat(version.snapshot[key]) for key in ("starts_on", "ends_on")],
        )


class SendForSignature(ConfirmActionMixin, AgreementMixin, View):
    permission = DRAFT
    title = gettext_lazy("Send for signature")
    question = gettext_lazy(
        "Each party's signatories can then sign the current version. A later change to the text "
        "voids the signatures given so far."
    )
    button = gettext_lazy("Send for signature")
    success = gettext_lazy("The agreement is in signature.")

    def act(self, form):
        services.send_for_signature(access=self.access, agreement=self.record)


class Sign(AgreementMixin, View):
    """The account signs the current version for its institution's party."""

    def states(self):
        return selectors.party_states(self.access, selectors.detail(self.record))

    def party_to_sign(self, states):
        return next((state.party for state in states if state.can_sign), None)

    def get(self, request, pk):
        states = self.states()
        return self.render(
            "agreements/sign.html",
            agreement=self.record,
            party=self.party_to_sign(states),
            version=self.record.versions.first(),
            parties=states,
            keepers=selectors.signing_right_keepers(self.record.region_id),
        )

    def post(self, request, pk):
        states = self.states()
        party = self.party_to_sign(states)
        version = self.record.versions.filter(pk=_int(request.POST.get("version"))).first()
        refusal = next((state.refusal for state in states if state.refusal), None)
        if party is None or version is None:
            messages.error(request, refusal or _("There is nothing for you to sign here."))
            return self.detail()
        try:
            services.sign(access=self.access, agreement=self.record, version=version, party=party)
        except DomainError as error:
            messages.error(request, " ".join(error.messages()))
            return self.detail()
        messages.success(request, _("Signed for %(party)s.") % {"party": party.institution.name})
        return self.detail()


def _int(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number <= MAX_ID else 0


class PaperCopyUpload(AgreementMixin, View):
    permission = DRAFT
    upload_limit = MAX_SCAN_MB * uploads.MB

    def unsigned(self):
        version = self.record.versions.first()
        signed = version.signatures.filter(voided_at__isnull=True).values("party_id")
        return self.record.parties.exclude(pk__in=signed).select_related("institution")

    def page(self, form):
        return self.render(
            "agreements/paper_copy_form.html",
            form=form,
            agreement=self.record,
            version=self.record.versions.first(),
        )

    def get(self, request, pk):
        if self.record.status != Agreement.Status.SIGNING:
            messages.error(request, _("The agreement is not in signature."))
            return self.detail()
        parties = self.unsigned()
        initial = {
            "parties": list(parties),
            "signed_on": timezone.localdate(),
            "version": self.record.versions.first().pk,
        }
        return self.page(PaperCopyForm(parties=parties, initial=initial))

    def post(self, request, pk):
        form = PaperCopyForm(request.POST, uploads.files_of(request), parties=self.unsigned())
        saved = submit(
            request,
            form,
            lambda data: services.record_paper_copy(
                access=self.access,
                agreement=self.record,
                version=self.record.versions.filter(pk=data["version"]).first()
                or self.record.versions.last(),  # none of its own: the first, superseded
                upload=data["file"],
                parties=data["parties"],
                signed_on=data["signed_on"],
            ),
            _("The signed copy was recorded."),
        )
        if saved:
            return self.detail()
        return self.page(form)


class Terminate(ConfirmActionMixin, AgreementMixin, View):
    permission = DRAFT
    form_class = TerminateForm
    title = gettext_lazy("Terminate the agreement")
    question = gettext_lazy(
        "From this date on the agreement is no longer in force, and it does not renew."
    )
    button = gettext_lazy("Terminate")
    success = gettext_lazy("The agreement was terminated.")

    def act(self, form):
        services.terminate(access=self.access, agreement=self.record, on=form.cleaned_data["on"])


class Renew(AgreementMixin, View):
    permission = DRAFT

    def page(self, form):
        return self.render("agreements/renew.html", form=form, agreement=self.record)

    def get(self, request, pk):
        start = self.record.ends_on + timedelta(days=1)
        end = start + relativedelta(years=2) - timedelta(days=1)
        return self.page(RenewForm(initial={"starts_on": start, "ends_on": end}))

    def post(self, request, pk):
        form = RenewForm(request.POST)
        renewal = submit(
            request,
            form,
            lambda data: services.renew(
                access=self.access,
                agreement=self.record,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            ),
            _("The renewal was drawn up: check it and send it for signature."),
        )
        if renewal:
            return redirect("agreement-detail", pk=renewal.pk)
        return self.page(form)


class Discard(ConfirmActionMixin, AgreementMixin, View):
    permission = DRAFT
    title = gettext_lazy("Discard the draft")
    question = gettext_lazy("The draft and its versions are deleted.")
    button = gettext_lazy("Discard")
    success = gettext_lazy("The draft was discarded.")

    def act(self, form):
        services.discard_draft(access=self.access, agreement=self.record)

    def post(self, request, *args, **kwargs):
        region = self.record.region
        answer = super().post(request, *args, **kwargs)
        if not Agreement.objects.filter(pk=self.record.pk).exists():
            return redirect("agreement-list", region_key=region.key)
        return answer


class PaperCopyDownload(AccessMixin, View):
    """The scan of a copy signed on paper, for those who see the agreement."""

    permission = SEE

    def get_record(self):
        copies = PaperCopy.objects.filter(
            version__agreement__region__in=self.access.region_ids
        ).select_related("version__agreement__region")
        return _record(copies, self.kwargs["pk"])

    def get(self, request, pk):
        copy = self.record
        answer = FileResponse(copy.file.open("rb"), as_attachment=True, filename=copy.filename)
        answer["Cache-Control"] = "no-store"
        return answer
