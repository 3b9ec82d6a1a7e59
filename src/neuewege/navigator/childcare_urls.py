"""Staff pages of §4: the childcare information, the client sheet, the Lotsenbroschüre."""

from django.urls import path

from .views import childcare

urlpatterns = [
    path(
        "regions/<str:region_key>/childcare/",
        childcare.ChildcareSearch.as_view(),
        name="childcare-search",
    ),
    path(
        "regions/<str:region_key>/childcare/sheet/",
        childcare.ChildcareSheet.as_view(),
        name="childcare-sheet",
    ),
    path(
        "institutions/<int:pk>/childcare/",
        childcare.ChildcareEdit.as_view(),
        name="childcare-edit",
    ),
    path(
        "institutions/<int:pk>/brochure/",
        childcare.CentreBrochure.as_view(),
        name="centre-brochure",
    ),
]
