"""Pages for parents: no sign-in, every language of LANGUAGES (views marked ``parent_page``)."""

urlpatterns = []
