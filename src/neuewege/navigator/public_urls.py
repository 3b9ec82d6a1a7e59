"""Pages for parents: the search of the directory and an offer's page (no sign-in)."""

from django.urls import path

from . import public_views

urlpatterns = [
    path("hilfe/", public_views.offer_search, name="public-offer-search"),
    path("hilfe/<uuid:offer_id>/", public_views.offer_detail, name="public-offer-detail"),
]
