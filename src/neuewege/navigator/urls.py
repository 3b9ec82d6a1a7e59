"""Staff pages: the region's search with the direct numbers, its offers, keeping and confirming
them, the ones out of date."""

from django.urls import path

from .views import offers, search

urlpatterns = [
    path(
        "regions/<str:region_key>/navigator/",
        search.OfferSearchView.as_view(),
        name="offer-search",
    ),
    path("regions/<str:region_key>/offers/", offers.OfferList.as_view(), name="offer-list"),
    path("regions/<str:region_key>/offers/new/", offers.OfferCreate.as_view(), name="offer-create"),
    path(
        "regions/<str:region_key>/offers/out-of-date/",
        offers.OfferStale.as_view(),
        name="offer-stale",
    ),
    path("offers/<uuid:offer_id>/", offers.OfferDetail.as_view(), name="offer-detail"),
    path("offers/<uuid:offer_id>/edit/", offers.OfferEdit.as_view(), name="offer-edit"),
    path("offers/<uuid:offer_id>/confirm/", offers.OfferConfirm.as_view(), name="offer-confirm"),
    path(
        "institutions/<int:pk>/offers/",
        offers.InstitutionOffers.as_view(),
        name="institution-offers",
    ),
]
