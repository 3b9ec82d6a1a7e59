"""Staff pages: the region's offers, keeping and confirming them, the ones out of date."""

urlpatterns = []
