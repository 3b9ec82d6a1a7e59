"""The region's change log, and a parent's rights: what is stored about them, a copy, erasure."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from .. import exporters, privacy, selectors
from ..access import PARENT_DATA, VIEW_AUDIT
from ..forms import ParentContactForm
from .base import AccessMixin, paginate


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
