"""The exchange in Open Referral HSDS 3: the import of a datapackage. The downloads are
exporters (``navigator/exporters.py``): ``/exports/hsds-datapackage.zip?region_key=…`` and
``/exports/hsds-datapackage-state.zip``."""

from django.urls import path

from .views.exchange import HsdsImportResultView, HsdsImportView

urlpatterns = [
    path(
        "regions/<str:region_key>/navigator/import/", HsdsImportView.as_view(), name="hsds-import"
    ),
    path(
        "regions/<str:region_key>/navigator/import/<int:import_id>/",
        HsdsImportResultView.as_view(),
        name="hsds-import-result",
    ),
]
