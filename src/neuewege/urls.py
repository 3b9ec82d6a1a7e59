from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from neuewege.api.api import api
from neuewege.core import exporters, views
from neuewege.core.access import SIGNED_IN, allow, public

region = "regions/<str:region_key>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # signing in; an invitation link leads to "set your password"
    path("login/", public(auth_views.LoginView.as_view()), name="login"),
    path("logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("login/code/", views.SecondFactorVerifyView.as_view(), name="second-factor-verify"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        allow(SIGNED_IN)(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path(
        "password/set/<uidb64>/<token>/",
        views.SetPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/set/done/",
        public(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("me/tokens/", views.ApiTokenView.as_view(), name="api-tokens"),
    path("me/second-factor/", views.SecondFactorView.as_view(), name="second-factor"),
    path(
        "me/second-factor/setup/",
        views.SecondFactorSetupView.as_view(),
        name="second-factor-setup",
    ),
    path(
        "me/second-factor/remove/",
        views.SecondFactorRemoveView.as_view(),
        name="second-factor-remove",
    ),
    # regions and their master data
    path("regions/", views.RegionListView.as_view(), name="region-list"),
    path(region, views.RegionHomeView.as_view(), name="region-home"),
    path(region + "institutions/", views.InstitutionListView.as_view(), name="institution-list"),
    path(
        region + "institutions/new/",
        views.InstitutionCreateView.as_view(),
        name="institution-create",
    ),
    path(
        "institutions/<int:pk>/", views.InstitutionDetailView.as_view(), name="institution-detail"
    ),
    path(
        "institutions/<int:pk>/edit/",
        views.InstitutionUpdateView.as_view(),
        name="institution-update",
    ),
    path(
        "institutions/<int:pk>/delete/",
        views.InstitutionDeleteView.as_view(),
        name="institution-delete",
    ),
    path(
        "institutions/<int:pk>/opening-hours/",
        views.OpeningHoursView.as_view(),
        name="opening-hours",
    ),
    path(
        "institutions/<int:pk>/network/", views.NetworkMembersView.as_view(), name="network-members"
    ),
    path(region + "people/", views.PersonListView.as_view(), name="person-list"),
    path(region + "people/new/", views.PersonCreateView.as_view(), name="person-create"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("people/<int:pk>/edit/", views.PersonUpdateView.as_view(), name="person-update"),
    path("people/<int:pk>/delete/", views.PersonDeleteView.as_view(), name="person-delete"),
    path(region + "accounts/", views.AccountListView.as_view(), name="account-list"),
    path(region + "accounts/invite/", views.AccountInviteView.as_view(), name="account-invite"),
    path(region + "accounts/<int:pk>/", views.AccountUpdateView.as_view(), name="account-update"),
    path(
        region + "accounts/<int:pk>/second-factor/",
        views.AccountSecondFactorResetView.as_view(),
        name="account-second-factor-reset",
    ),
    path(
        region + "accounts/second-factor/",
        views.RegionSecondFactorView.as_view(),
        name="region-second-factor",
    ),
    path(region + "import/", views.ImportUploadView.as_view(), name="import-upload"),
    path(region + "import/<int:pk>/", views.ImportPreviewView.as_view(), name="import-preview"),
    path(
        region + "import/template/<str:kind>.csv",
        views.ImportTemplateView.as_view(),
        name="import-template",
    ),
    path(region + "audit/", views.AuditLogView.as_view(), name="audit-log"),
    path(region + "parent-data/", views.ParentDataView.as_view(), name="parent-data"),
    # every file of every app: the one download path (core/exporters.py)
    path("exports/<str:name>.<str:fmt>", exporters.export, name="export"),
    # long exports: made in the background, kept for the account that asked
    path("exports/files/<int:pk>/", exporters.export_file, name="export-file"),
    path(
        "exports/files/<int:pk>/file", exporters.export_file_download, name="export-file-download"
    ),
    # public pages required of a public body
    path("impressum/", views.legal_page("core/legal/imprint.html"), name="imprint"),
    path("datenschutz/", views.legal_page("core/legal/privacy.html"), name="privacy"),
    path(
        "barrierefreiheit/", views.legal_page("core/legal/accessibility.html"), name="accessibility"
    ),
    path("barrierefreiheit/melden/", views.barrier_report, name="barrier-report"),
    # events in family centres: staff pages, pages for parents, calendar files and feeds
    path("", include("neuewege.events.urls")),
    path("", include("neuewege.events.public_urls")),
    path("", include("neuewege.events.calendar_urls")),
    path("", include("neuewege.cooperation.urls")),
    # evaluation: the survey for those invited, the texts a family centre sends by phone
    path("", include("neuewege.evaluation.public_urls")),
    path("", include("neuewege.evaluation.staff_urls")),
    path("", include("neuewege.evaluation.urls")),  # results: dashboards, exports, report
]
