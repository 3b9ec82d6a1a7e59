"""Staff pages: the region's offers, keeping and confirming them, the ones out of date."""

from django.urls import path

from .views import search

urlpatterns = [
    path(
        "regions/<str:region_key>/navigator/",
        search.OfferSearchView.as_view(),
        name="offer-search",
    ),
]
