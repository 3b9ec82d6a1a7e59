from django.urls import path

from .views import agreements, clauses

urlpatterns = [
    path(
        "regions/<str:region_key>/agreements/",
        agreements.AgreementList.as_view(),
        name="agreement-list",
    ),
    path(
        "regions/<str:region_key>/agreements/new/",
        agreements.AgreementCreate.as_view(),
        name="agreement-create",
    ),
    path("agreements/<int:pk>/", agreements.AgreementDetail.as_view(), name="agreement-detail"),
    path("agreements/<int:pk>/edit/", agreements.AgreementEdit.as_view(), name="agreement-edit"),
    path("agreements/<int:pk>/send/", agreements.SendForSignature.as_view(), name="agreement-send"),
    path("agreements/<int:pk>/sign/", agreements.Sign.as_view(), name="agreement-sign"),
    path(
        "agreements/<int:pk>/paper-copy/",
        agreements.PaperCopyUpload.as_view(),
        name="agreement-paper",
    ),
    path(
        "agreements/<int:pk>/terminate/",
        agreements.Terminate.as_view(),
        name="agreement-terminate",
    ),
    path("agreements/<int:pk>/renew/", agreements.Renew.as_view(), name="agreement-renew"),
    path("agreements/<int:pk>/discard/", agreements.Discard.as_view(), name="agreement-discard"),
    path(
        "agreements/versions/<int:pk>/",
        agreements.VersionDetail.as_view(),
        name="agreement-version-detail",
    ),
    path(
        "agreements/paper-copies/<int:pk>/",
        agreements.PaperCopyDownload.as_view(),
        name="paper-copy-download",
    ),
    path(
        "regions/<str:region_key>/agreements/clauses/",
        clauses.ClauseLibrary.as_view(),
        name="agreement-clauses",
    ),
    path("agreements/clauses/<int:pk>/edit/", clauses.ClauseEdit.as_view(), name="clause-edit"),
    path(
        "regions/<str:region_key>/agreements/clauses/<int:pk>/variant/",
        clauses.ClauseVariant.as_view(),
        name="clause-variant",
    ),
]

from .views import evidence as evidence_views  # noqa: E402

urlpatterns += [
    path(
        "institutions/<int:pk>/evidence/",
        evidence_views.CentreEvidence.as_view(),
        name="centre-evidence",
    ),
]
