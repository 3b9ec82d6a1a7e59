"""Staff pages of the directory: the region's offers (filterable), an offer, entering and
changing one, confirming it as still correct, the coordinator's list of offers out of date and
an institution's offers. URL names: ``offer-…`` take an offer's ``offer_id``; ``offer-list``,
``offer-create`` and ``offer-stale`` the region's key; ``institution-offers`` the institution's
``pk``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from neuewege.core.errors import DomainError
from neuewege.core.views.base import AccessMixin, paginate, submit
from neuewege.events.search import MAX_ID

from .. import selectors, services
from ..forms import OfferFilterForm, OfferForm
from ..freshness import freshness
from ..languages import language_label
from ..models import Offer
from ..permissions import KEEP, SEE_INTERNAL


class OfferList(AccessMixin, View):
    """The region's offers: every status, hidden ones too; filterable by need, keeper,
    freshness and name."""

    permission = SEE_INTERNAL

    def get(self, request, region_key):
        filters = OfferFilterForm(request.GET or None, region=self.region)
        values = filters.values()
        today = timezone.localdate()
        offers = selectors.region_offers(
            self.region,
            need=values.get("need", ""),
            keeper=values.get("keeper", ""),
            fresh=values.get("fresh", ""),
            query=values.get("q", ""),
            today=today,
        )
        page = paginate(request, offers)
        for offer in page:
            offer.freshness = freshness(offer.checked_on, today).value
        return self.render(
            "navigator/offer_list.html",
            filters=filters,
            page=page,
            can_keep=self.access.has(KEEP, self.region),
            keeps_region=services.keeps_region(self.access),
        )


class OfferStale(AccessMixin, View):
    """The offers out of date (may be out of date, hidden from parents), oldest check first,
    with their keeper: to confirm or change."""

    permission = KEEP

    def get(self, request, region_key):
        today = timezone.localdate()
        offers = list(selectors.stale_offers(self.region, today))
        if not services.keeps_region(self.access):  # staff: their own institution's
            offers = [
                offer for offer in offers if offer.keeper_id == self.access.own_institution_id
            ]
        for offer in offers:
            offer.freshness = freshness(offer.checked_on, today).value
        return self.render("navigator/offer_stale.html", offers=offers)


class OfferCreate(AccessMixin, View):
    permission = KEEP

    def page(self, form):
        return self.render("navigator/offer_form.html", form=form, offer=None)

    def get(self, request, region_key):
        return self.page(OfferForm(region=self.region, access=self.access))

    def post(self, request, region_key):
        form = OfferForm(request.POST, region=self.region, access=self.access)
        offer = submit(
            request,
            form,
            lambda data: form.save_with(
                services.create_offer, access=self.access, region=self.region
            ),
            _("The offer was saved and counts as checked today."),
        )
        if offer:
            return redirect("offer-detail", offer_id=offer.pk)
        return self.page(form)


class OfferMixin(AccessMixin):
    permission = SEE_INTERNAL

    def check_keeper(self):
        """Staff reach the region's offers without a keeper through their institution too
        (``core.access``): only the coordinator keeps those."""
        if not services.may_keep(self.access, self.record):
            raise PermissionDenied

    def get_record(self):
        try:
            return selectors.offer_detail(self.kwargs["offer_id"], access=self.access)
        except (Offer.DoesNotExist, ValidationError):
            raise Http404 from None


class OfferDetail(OfferMixin, View):
    def get(self, request, offer_id):
        offer = self.record
        return self.render(
            "navigator/offer_detail.html",
            offer=offer,
            freshness=freshness(offer.checked_on, timezone.localdate()).value,
            languages=[language_label(language.code) for language in offer.languages.all()],
            can_keep=services.may_keep(self.access, offer),
        )


class OfferEdit(OfferMixin, View):
    permission = KEEP

    def page(self, form):
        return self.render("navigator/offer_form.html", form=form, offer=self.record)

    def get(self, request, offer_id):
        self.check_keeper()
        return self.page(OfferForm(region=self.region, access=self.access, offer=self.record))

    def post(self, request, offer_id):
        self.check_keeper()
        form = OfferForm(request.POST, region=self.region, access=self.access, offer=self.record)
        if request.POST.get("status") in Offer.Status.values:
            return self._status(request.POST["status"])
        offer = submit(
            request,
            form,
            lambda data: form.save_with(
                services.update_offer, access=self.access, offer=self.record
            ),
            _("The offer was saved and counts as checked today."),
        )
        if offer:
            return redirect("offer-detail", offer_id=offer.pk)
        return self.page(form)

    def _status(self, status):
        try:
            services.set_status(access=self.access, offer=self.record, status=status)
        except DomainError as error:
            messages.error(self.request, " ".join(error.messages()))
        else:
            messages.success(self.request, _("The offer's status was changed."))
        return redirect("offer-detail", offer_id=self.record.pk)


class OfferConfirm(OfferDetail):
    """The offer's page with its button (GET, the link of the reminder); POST: the offer is
    still correct (checked today)."""

    permission = KEEP

    def post(self, request, offer_id):
        self.check_keeper()
        try:
            services.confirm_offer(access=self.access, offer=self.record)
        except DomainError as error:
            messages.error(request, " ".join(error.messages()))
        else:
            messages.success(
                request,
                _("Confirmed: “%(name)s” counts as checked today.") % {"name": self.record.name},
            )
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts=None):  # a path of this site
            return redirect(back)
        return redirect("offer-detail", offer_id=offer_id)


class InstitutionOffers(AccessMixin, View):
    """The offers an institution keeps (from its page)."""

    permission = SEE_INTERNAL

    def get_record(self):
        if not 0 < self.kwargs["pk"] <= MAX_ID:
            raise Http404
        return get_object_or_404(self.access.institutions(), pk=self.kwargs["pk"])

    def get(self, request, pk):
        today = timezone.localdate()
        offers = list(Offer.objects.filter(keeper=self.record).select_related("organization"))
        for offer in offers:
            offer.freshness = freshness(offer.checked_on, today).value
        return self.render(
            "navigator/institution_offers.html",
            institution=self.record,
            offers=offers,
            can_keep=self.access.has(KEEP, self.record),
        )
