"""The survey for the person invited: no sign-in, the token in the link is the key (German
addresses, like the other pages for parents)."""

from django.urls import path

from . import public_views

urlpatterns = [
    path("umfrage/danke/", public_views.thanks, name="survey-thanks"),
    path("umfrage/<str:token>/", public_views.answer, name="survey-answer"),
]
