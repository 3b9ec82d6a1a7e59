"""Staff pages of §4: the childcare information, the client sheet, the Lotsenbroschüre."""

urlpatterns = []
