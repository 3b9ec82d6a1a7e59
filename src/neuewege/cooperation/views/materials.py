"""The materials libraries: a region's and the programme's; versions and downloads."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from neuewege.core import uploads
from neuewege.core.views.base import AccessMixin, submit

from .. import documents, selectors, services
from ..filters import MaterialFilter
from ..forms import MaterialForm
from ..permissions import MANAGE_MATERIALS, SEE_MATERIALS


class MaterialPage(AccessMixin):
    """A page of a materials library: a region's (the region in the URL, or the material's)
    or the programme's, which every account reads and the state level keeps."""

    permission = SEE_MATERIALS
    programme_wide = True

    def get_record(self):
        pk = self.kwargs.get("pk")
        if pk is None:
            return None
        material = selectors.material(self.access, pk)
        if material is None:
            raise Http404
        return material

    def render(self, template, **context):
        context.setdefault("can_manage", self.access.has(MANAGE_MATERIALS, self.region))
        context.setdefault("material", self.record)
        return super().render(template, **context)

    def list_url(self):
        if self.region is None:
            return reverse("programme-material-list")
        return reverse("material-list", args=[self.region.key])


class MaterialListView(MaterialPage, View):
    def get(self, request, region_key=None):
        filters = MaterialFilter(
            request.GET, selectors.materials(self.region), access=self.access, region=self.region
        )
        found = list(filters.qs)
        return self.render(
            "cooperation/material_list.html",
            own=[material for material in found if material.region_id is not None],
            programme=[material for material in found if material.region_id is None],
            filters=filters,
            create_url=(
                reverse("material-create", args=[self.region.key])
                if self.region
                else reverse("programme-material-create")
            ),
        )


class MaterialFormView(MaterialPage, View):
    """Add a material (with its file), or describe one anew (``pk``) and bring a new version."""

    permission = MANAGE_MATERIALS
    upload_limit = services.MAX_MATERIAL_BYTES

    def get(self, request, region_key=None, pk=None):
        initial = {"kind": "other"}
        if self.record is not None:
            initial = {name: getattr(self.record, name) for name in services.MATERIAL_FIELDS}
        return self.show(MaterialForm(initial=initial))

    def post(self, request, region_key=None, pk=None):
        form = MaterialForm(request.POST, uploads.files_of(request))
        material = submit(
            request,
            form,
            lambda data: services.save_material(
                access=self.access,
                region=self.region,
                data=form.material_data(),
                material=self.record,
                upload=data["file"],
                change_note=data["change_note"],
                user=request.user,
            ),
            _("The material is saved."),
        )
        if material is None:
            return self.show(form)
        return redirect(reverse("material-detail", args=[material.pk]))

    def show(self, form):
        if self.record is None:
            del form.fields["change_note"]
        else:
            form.fields["file"].label = _("New version (optional)")
        cancel = reverse("material-detail", args=[self.record.pk]) if self.record else None
        return self.render(
            "cooperation/material_form.html", form=form, cancel_url=cancel or self.list_url()
        )


class MaterialDetailView(MaterialPage, View):
    def get(self, request, pk):
        return self.render("cooperation/material_detail.html", list_url=self.list_url())


class MaterialDeleteView(MaterialPage, View):
    permission = MANAGE_MATERIALS

    def get(self, request, pk):
        return self.render(
            "core/confirm_delete.html",
            record=self.record,
            cancel_url=reverse("material-detail", args=[pk]),
        )

    def post(self, request, pk):
        services.delete_material(access=self.access, material=self.record)
        messages.success(request, _("The material is deleted."))
        return redirect(self.list_url())


class MaterialDownloadView(MaterialPage, View):
    """The download buttons send a POST, which is counted. A GET of the same address (a link
    passed on, a browser's or a mail scanner's prefetch) gets the file without counting."""

    def version(self, number):
        version = selectors.material_version(self.record, number)
        if version is None:
            raise Http404
        return version

    def get(self, request, pk, number):
        return documents.material_file(self.version(number))

    def post(self, request, pk, number):
        version = self.version(number)
        response = documents.material_file(version)
        services.count_download(version)
        return response
