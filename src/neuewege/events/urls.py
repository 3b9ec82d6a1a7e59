"""Staff pages of events (signed in, region-scoped through the AccessMixin)."""

urlpatterns = []
