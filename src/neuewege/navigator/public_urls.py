"""Pages for parents: the search of the directory and an offer's page (no sign-in)."""

urlpatterns = []
