from django.urls import path

from .views import agreements

urlpatterns = [
    path(
        "regions/<str:region_key>/agreements/",
        agreements.AgreementList.as_view(),
        name="agreement-list",
    ),
    path("agreements/<int:pk>/", agreements.AgreementDetail.as_view(), name="agreement-detail"),
]

from .views import evidence as evidence_views  # noqa: E402

urlpatterns += [
    path(
        "institutions/<int:pk>/evidence/",
        evidence_views.CentreEvidence.as_view(),
        name="centre-evidence",
    ),
]
