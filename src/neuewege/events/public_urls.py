"""Pages for parents: no sign-in, every language of LANGUAGES (views marked ``parent_page``)."""

from django.urls import path

from . import public_views

urlpatterns = [
    path("veranstaltungen/", public_views.event_list, name="public-event-list"),
    path("veranstaltungen/<int:pk>/", public_views.event_detail, name="public-event-detail"),
    path("veranstaltungen/<int:pk>/anmelden/", public_views.booking_start, name="booking-start"),
    path(
        "veranstaltungen/<int:pk>/anmelden/pruefen/",
        public_views.booking_check,
        name="booking-check",
    ),
    path("anmeldung/<str:token>/", public_views.booking_manage, name="booking-manage"),
    path("sprache/<str:code>/", public_views.choose_language, name="choose-language"),
    path("leichte-sprache/", public_views.easy_read, name="easy-read"),
]
