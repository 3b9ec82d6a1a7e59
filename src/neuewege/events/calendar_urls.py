"""Calendar files (.ics) of events and sessions, and subscribable feeds behind a token."""

urlpatterns = []
