"""Staff pages of events (signed in, region-scoped through the AccessMixin)."""

from django.urls import path

from . import views

region = "regions/<str:region_key>/"
event = "events/<int:pk>/"

urlpatterns = [
    path(region + "events/", views.EventListView.as_view(), name="event-list"),
    path(region + "events/new/", views.EventCreateView.as_view(), name="event-create"),
    path(region + "booking-code/", views.BookingCodeView.as_view(), name="booking-code"),
    path(event, views.EventDetailView.as_view(), name="event-detail"),
    path(event + "edit/", views.EventUpdateView.as_view(), name="event-update"),
    path(event + "publish/", views.EventPublishView.as_view(), name="event-publish"),
    path(event + "cancel/", views.EventCancelView.as_view(), name="event-cancel"),
    path(event + "close/", views.EventCloseView.as_view(), name="event-close"),
    path(
        event + "registrations/",
        views.EventRegistrationsView.as_view(),
        name="event-registrations",
    ),
    path(
        event + "registrations/new/",
        views.RegistrationCreateView.as_view(),
        name="registration-create",
    ),
    path(event + "export.<str:fmt>", views.event_export, name="event-export"),
    path(event + "print/", views.EventPrintView.as_view(), name="event-print"),
    path("sessions/<int:pk>/cancel/", views.SessionCancelView.as_view(), name="session-cancel"),
    path(
        "sessions/<int:pk>/attendance/",
        views.SessionAttendanceView.as_view(),
        name="session-attendance",
    ),
    path(
        "registrations/<int:pk>/remove/",
        views.RegistrationRemoveView.as_view(),
        name="registration-remove",
    ),
    path(
        "notifications/<int:pk>/called/",
        views.NotificationCalledView.as_view(),
        name="notification-called",
    ),
    path("formats/", views.FormatListView.as_view(), name="format-list"),
    path("formats/<int:pk>/edit/", views.FormatUpdateView.as_view(), name="format-update"),
]
