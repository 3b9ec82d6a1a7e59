"""Staff pages of the evaluation's results (signed in; region-scoped through the AccessMixin,
the state-wide pages for the state level)."""

from django.urls import path

from . import views

region = "regions/<str:region_key>/results/"

urlpatterns = [
    path(region, views.RegionResultsView.as_view(), name="results-region"),
    path(region + "report.pdf", views.region_report, name="results-region-report"),
    path(
        region + "free-texts.<str:fmt>",
        views.region_comments_export,
        name="results-region-comments-export",
    ),
    path(
        region + "<slug:table>.<str:fmt>",
        views.region_export,
        name="results-region-export",
    ),
    path("state/results/", views.StateResultsView.as_view(), name="results-state"),
    path(
        "state/results/<slug:table>.<str:fmt>",
        views.state_export,
        name="results-state-export",
    ),
]
