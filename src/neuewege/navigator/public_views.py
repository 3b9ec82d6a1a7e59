"""Pages for parents: find help near you (by need, postcode and distance, language, step-free
access, open now) and an offer's page — no account, phone first, every language of LANGUAGES
(each view is marked ``parent_page``). Offers out of date for a year and contacts for
professionals are never shown here (``selectors``)."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from neuewege.core.middleware import parent_page
from neuewege.core.replica import replica_reads
from neuewege.events.public_views import shared_page

from . import selectors
from .freshness import freshness
from .views.search import search_page, search_query


@parent_page
@shared_page
@replica_reads()  # lags as the cached page does
def offer_search(request):
    return search_page(request, "navigator/public/offer_search.html", for_parents=True)


@parent_page
@shared_page
def offer_detail(request, offer_id):
    offer = selectors.public_offer(offer_id)
    if offer is None:
        return render(
            request,
            "navigator/public/not_found.html",
            {
                "title": _("Offer not found"),
                "text": _("This offer does not exist or is not shown any more."),
            },
            status=404,
        )
    return render(
        request,
        "navigator/public/offer_detail.html",
        {
            "offer": offer,
            "freshness": freshness(offer.checked_on, timezone.localdate()),
            "back_query": search_query(request.GET),
        },
    )
