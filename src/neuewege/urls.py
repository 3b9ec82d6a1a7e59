from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from neuewege.api.api import api
from neuewege.core import exporters
from neuewege.core.access import SIGNED_IN, allow, public
from neuewege.core.views import accounts, imports, master_data, privacy, public_pages, signing_in

region = "regions/<str:region_key>/"

urlpatterns = [
    path("", public_pages.home, name="home"),
    path("healthz", public_pages.healthz, name="healthz"),
    path("i18n/setlang/", public_pages.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # signing in; an invitation link leads to "set your password"
    path("login/", public(auth_views.LoginView.as_view()), name="login"),
    path("logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("login/code/", signing_in.SecondFactorVerifyView.as_view(), name="second-factor-verify"),
    path("password/", signing_in.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        allow(SIGNED_IN)(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path(
        "password/set/<uidb64>/<token>/",
        signing_in.SetPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/set/done/",
        public(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("me/tokens/", accounts.ApiTokenView.as_view(), name="api-tokens"),
    path("me/second-factor/", signing_in.SecondFactorView.as_view(), name="second-factor"),
    path(
        "me/second-factor/setup/",
        signing_in.SecondFactorSetupView.as_view(),
        name="second-factor-setup",
    ),
    path(
        "me/second-factor/remove/",
        signing_in.SecondFactorRemoveView.as_view(),
        name="second-factor-remove",
    ),
    # regions and their master data
    path("regions/", master_data.RegionListView.as_view(), name="region-list"),
    path(region, master_data.RegionHomeView.as_view(), name="region-home"),
    path(
        region + "institutions/", master_data.InstitutionListView.as_view(), name="institution-list"
    ),
    path(
        region + "institutions/new/",
        master_data.InstitutionCreateView.as_view(),
        name="institution-create",
    ),
    path(
        "institutions/<int:pk>/",
        master_data.InstitutionDetailView.as_view(),
        name="institution-detail",
    ),
    path(
        "institutions/<int:pk>/edit/",
        master_data.InstitutionUpdateView.as_view(),
        name="institution-update",
    ),
    path(
        "institutions/<int:pk>/delete/",
        master_data.InstitutionDeleteView.as_view(),
        name="institution-delete",
    ),
    path(
        "institutions/<int:pk>/opening-hours/",
        master_data.OpeningHoursView.as_view(),
        name="opening-hours",
    ),
    path(
        "institutions/<int:pk>/network/",
        master_data.NetworkMembersView.as_view(),
        name="network-members",
    ),
    path(region + "people/", master_data.PersonListView.as_view(), name="person-list"),
    path(region + "people/new/", master_data.PersonCreateView.as_view(), name="person-create"),
    path("people/<int:pk>/", master_data.PersonDetailView.as_view(), name="person-detail"),
    path("people/<int:pk>/edit/", master_data.PersonUpdateView.as_view(), name="person-update"),
    path("people/<int:pk>/delete/", master_data.PersonDeleteView.as_view(), name="person-delete"),
    path(region + "accounts/", accounts.AccountListView.as_view(), name="account-list"),
    path(region + "accounts/invite/", accounts.AccountInviteView.as_view(), name="account-invite"),
    path(
        region + "accounts/<int:pk>/", accounts.AccountUpdateView.as_view(), name="account-update"
    ),
    path(
        region + "accounts/<int:pk>/second-factor/",
        accounts.AccountSecondFactorResetView.as_view(),
        name="account-second-factor-reset",
    ),
    path(
        region + "accounts/second-factor/",
        accounts.RegionSecondFactorView.as_view(),
        name="region-second-factor",
    ),
    path(region + "import/", imports.ImportUploadView.as_view(), name="import-upload"),
    path(region + "import/<int:pk>/", imports.ImportPreviewView.as_view(), name="import-preview"),
    path(
        region + "import/template/<str:kind>.csv",
        imports.ImportTemplateView.as_view(),
        name="import-template",
    ),
    path(region + "audit/", privacy.AuditLogView.as_view(), name="audit-log"),
    path(region + "parent-data/", privacy.ParentDataView.as_view(), name="parent-data"),
    # every file of every app: the one download path (core/exporters.py)
    path("exports/<str:name>.<str:fmt>", exporters.export, name="export"),
    # long exports: made in the background, kept for the account that asked
    path("exports/files/<int:pk>/", exporters.export_file, name="export-file"),
    path(
        "exports/files/<int:pk>/file", exporters.export_file_download, name="export-file-download"
    ),
    # public pages required of a public body
    path("impressum/", public_pages.legal_page("imprint"), name="imprint"),
    path("datenschutz/", public_pages.legal_page("privacy"), name="privacy"),
    path("barrierefreiheit/", public_pages.legal_page("accessibility"), name="accessibility"),
    path("barrierefreiheit/melden/", public_pages.barrier_report, name="barrier-report"),
    # events in family centres: staff pages, pages for parents, calendar files and feeds
    path("", include("neuewege.events.urls")),
    path("", include("neuewege.events.public_urls")),
    path("", include("neuewege.events.calendar_urls")),
    path("", include("neuewege.cooperation.urls")),
    # evaluation: the survey for those invited, the texts a family centre sends by phone
    path("", include("neuewege.evaluation.public_urls")),
    path("", include("neuewege.evaluation.staff_urls")),
    path("", include("neuewege.evaluation.urls")),  # results: dashboards, exports, report
    # cooperative trainings: staff pages, the registration link for professionals
    path("", include("neuewege.trainings.urls")),
    path("", include("neuewege.trainings.public_urls")),
    # coverage planning: the family centres' demand, the speakers
    path("", include("neuewege.coverage.urls")),
    # cooperation agreements: clause library, agreements, signatures, evidence for the Gütesiegel
    path("", include("neuewege.agreements.urls")),
    # navigator: the directory of offers, §4 childcare information, brochure, HSDS exchange
    path("", include("neuewege.navigator.public_urls")),
    path("", include("neuewege.navigator.urls")),
    path("", include("neuewege.navigator.childcare_urls")),
    path("", include("neuewege.navigator.exchange_urls")),
]
