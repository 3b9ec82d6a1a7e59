"""The search of the directory, one page for parents and staff: the form, the place of the
postcode, the results by page. Staff search their region's offers with the contacts for
professionals and see offers hidden from parents, marked as such."""

from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import render
from django.views import View

from neuewege.core.errors import DomainError
from neuewege.core.views.base import AccessMixin, add_domain_errors
from neuewege.events.search import locate

from ..permissions import SEE_INTERNAL
from ..search_forms import OfferSearchForm
from ..selectors import OfferSearch, find_offers
from ..taxonomy import TERMS

RESULTS_PER_PAGE = 10  # a phone screen or two
QUERY_KEYS = ("bedarf", "plz", "radius", "sprache", "barrierefrei", "offen", "page")


def search_query(params: QueryDict) -> str:
    """The search's part of a query string (to keep it on the way to an offer and back)."""
    kept = QueryDict(mutable=True)
    for key in QUERY_KEYS:
        values = [value[:20] for value in params.getlist(key)[:1] if value]
        if values:
            kept.setlist(key, values)
    return kept.urlencode()


def search_page(request, template, *, for_parents: bool, region_ids=None, **context):
    """The search form and, once searched, a page of results. A postcode that is not known is
    a message at its field, without results."""
    form = OfferSearchForm(request.GET or None)
    page, place, search = None, "", OfferSearch()
    if form.is_bound and form.is_valid():
        try:
            point = locate(postcode=form.cleaned_data["plz"])
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            search, place = form.search(point), form.cleaned_data["plz"]
    if form.is_bound and not form.errors:
        results = find_offers(search, for_parents=for_parents, region_ids=region_ids, cards=True)
        page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "search": search,
            "place": place,
            "query": search_query(request.GET),
            "topics": [term for term in TERMS if term.parent is None],
            **context,
        },
    )


class OfferSearchView(AccessMixin, View):
    """Staff of the region search its directory: the parents' search with the contacts for
    professionals (direct numbers) and the offers hidden from parents."""

    permission = SEE_INTERNAL

    def get(self, request, region_key):
        return search_page(
            request,
            "navigator/offer_search.html",
            for_parents=False,
            region_ids=[self.region.pk],
            region=self.region,
        )
