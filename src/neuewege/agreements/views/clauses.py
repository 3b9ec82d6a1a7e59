"""The clause library: the state's clauses of both templates and a region's variants, each
with its versions. A clause version is never changed: a new text is a new version.
``clause-edit`` takes a clause (the state's: the state level; a region's variant: the region's
coordinator), ``clause-variant`` one of the state's clauses and the region in the address."""

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from neuewege.core.views.base import AccessMixin, submit

from .. import selectors, services
from ..forms import ClauseForm
from ..library import PLACEHOLDERS
from ..models import Clause, ClauseVersion, Kind
from ..permissions import CLAUSES, SEE
from .agreements import MAX_ID


def _clause(queryset, pk):
    if not 0 < int(pk) <= MAX_ID:
        raise Http404
    return get_object_or_404(queryset, pk=pk)


class ClauseLibrary(AccessMixin, View):
    """Both templates as the region uses them: each state clause, and the region's variant."""

    permission = SEE

    def get(self, request, region_key):
        clauses = (
            selectors.clauses(self.access)
            .filter(Q(region__isnull=True) | Q(region=self.region))
            .prefetch_related(
                Prefetch("versions", queryset=ClauseVersion.objects.order_by("-number"))
            )
            .order_by("kind", "position", "region_id")
        )
        variants = {
            (clause.kind, clause.key): clause for clause in clauses if clause.region_id is not None
        }
        templates = []
        for kind, label in Kind.choices:
            rows = [
                {"clause": clause, "variant": variants.get((kind, clause.key))}
                for clause in clauses
                if clause.kind == kind and clause.region_id is None
            ]
            templates.append({"kind": kind, "label": label, "rows": rows})
        return self.render(
            "agreements/clause_list.html",
            templates=templates,
            can_keep_state=self.access.has(CLAUSES, None),
            can_keep_region=self.access.has(CLAUSES, self.region),
        )


class ClauseEdit(AccessMixin, View):
    """A new version of a clause."""

    permission = CLAUSES
    programme_wide = True

    def get_record(self):
        return _clause(selectors.clauses(self.access), self.kwargs["pk"])

    def page(self, form):
        back_region = self.region or next(iter(self.access.regions_by_key.values()), None)
        return self.render(
            "agreements/clause_form.html",
            form=form,
            clause=self.record,
            versions=self.record.versions.order_by("-number"),
            placeholders=PLACEHOLDERS,
            back_region=back_region,
        )

    def get(self, request, pk):
        return self.page(ClauseForm(initial={"text": self.record.latest.text}))

    def post(self, request, pk):
        form = ClauseForm(request.POST)
        saved = submit(
            request,
            form,
            lambda data: services.save_clause_version(
                access=self.access, clause=self.record, text=data["text"], note=data["note"]
            ),
            _(
                "Saved as a new version of the clause. New agreements use it; agreements drawn up "
                "before keep their text."
            ),
        )
        if saved:
            return redirect("clause-edit", pk=self.record.pk)
        return self.page(form)


class ClauseVariant(AccessMixin, View):
    """The region's own variant of one of the state's clauses."""

    permission = CLAUSES

    def dispatch(self, request, *args, **kwargs):
        self.clause = _clause(Clause.objects.filter(region__isnull=True), kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def page(self, form):
        return self.render(
            "agreements/clause_form.html",
            form=form,
            clause=self.clause,
            variant_of=True,
            versions=[],
            placeholders=PLACEHOLDERS,
            back_region=self.region,
        )

    def get(self, request, region_key, pk):
        return self.page(ClauseForm(initial={"text": self.clause.latest.text}))

    def post(self, request, region_key, pk):
        form = ClauseForm(request.POST)
        saved = submit(
            request,
            form,
            lambda data: services.add_region_variant(
                access=self.access,
                clause=self.clause,
                region=self.region,
                text=data["text"],
                note=data["note"],
            ),
            _("The region's variant was saved: the region's new agreements use it."),
        )
        if saved:
            messages.info(request, _("Agreements drawn up before keep their text."))
            return redirect("agreement-clauses", region_key=self.region.key)
        return self.page(form)
