"""Calendar files (.ics) of events and sessions, and subscribable feeds behind a token."""

from django.urls import path

from . import calendar_views

urlpatterns = [
    path(
        "veranstaltungen/<int:pk>/kalender.ics",
        calendar_views.event_ics,
        name="public-event-ics",
    ),
    path(
        "termine/<int:pk>/kalender.ics",
        calendar_views.session_ics,
        name="public-session-ics",
    ),
    path("kalender/<str:token>.ics", calendar_views.feed_ics, name="calendar-feed"),
    path("me/calendars/", calendar_views.CalendarFeedsView.as_view(), name="calendar-feeds"),
]
