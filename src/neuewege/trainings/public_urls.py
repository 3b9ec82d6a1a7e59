"""The professionals' pages (no account): the registration link and the e-mail's link."""

from django.urls import path

from . import public_views

urlpatterns = [
    path("t/confirm/<str:token>/", public_views.confirm, name="training-confirm"),
    path("t/<str:key>/", public_views.register, name="training-register"),
]
