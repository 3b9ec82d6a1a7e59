"""Staff pages of the coverage app. URL names follow the record their ``pk`` is (the permission
matrix relies on it): ``centre-request-…`` a request, ``speaker-capacity-…`` a capacity;
``institution-request-create`` takes the family centre's pk, ``person-speaker-capacity`` the
person's."""

from django.urls import path

from .views import dashboard, demand, events, plans

region = "regions/<str:region_key>/coverage/"

urlpatterns = [
    path(region, dashboard.CoverageDashboardView.as_view(), name="coverage-dashboard"),
    path("coverage/", dashboard.StateCoverageView.as_view(), name="coverage-state"),
    path(region + "demand/", demand.DemandView.as_view(), name="coverage-demand"),
    path(
        region + "demand/import/",
        demand.RequestImportView.as_view(),
        name="coverage-request-import",
    ),
    path(
        region + "demand/import/template.csv",
        demand.RequestImportTemplateView.as_view(),
        name="coverage-request-import-template",
    ),
    path(region + "speakers/", demand.SpeakerListView.as_view(), name="coverage-speakers"),
    path(
        "institutions/<int:pk>/requests/new/",
        demand.CentreRequestCreateView.as_view(),
        name="institution-request-create",
    ),
    path(
        "centre-requests/<int:pk>/edit/",
        demand.CentreRequestUpdateView.as_view(),
        name="centre-request-update",
    ),
    path(
        "centre-requests/<int:pk>/delete/",
        demand.CentreRequestDeleteView.as_view(),
        name="centre-request-delete",
    ),
    path(
        "speaker-capacities/<int:pk>/edit/",
        demand.SpeakerCapacityUpdateView.as_view(),
        name="speaker-capacity-update",
    ),
    path(
        "people/<int:pk>/speaker-capacity/",
        demand.PersonSpeakerCapacityView.as_view(),
        name="person-speaker-capacity",
    ),
    path(region + "plans/", plans.ScenarioListView.as_view(), name="coverage-plans"),
    path(
        region + "plans/new/",
        plans.ScenarioCreateView.as_view(),
        name="coverage-scenario-create",
    ),
    path(
        "coverage/scenarios/<int:pk>/edit/",
        plans.ScenarioUpdateView.as_view(),
        name="scenario-update",
    ),
    path(
        "coverage/scenarios/<int:pk>/delete/",
        plans.ScenarioDeleteView.as_view(),
        name="scenario-delete",
    ),
    path(
        "coverage/scenarios/<int:pk>/compute/", plans.ScenarioRunView.as_view(), name="scenario-run"
    ),
    path("coverage/plans/<int:pk>/", plans.PlanRunDetailView.as_view(), name="plan-run-detail"),
    path(
        "coverage/plans/<int:pk>/compare/",
        plans.PlanRunCompareView.as_view(),
        name="plan-run-compare",
    ),
    path(
        "coverage/plans/<int:pk>/events/",
        events.PlanRunEventsView.as_view(),
        name="plan-run-events",
    ),
    path("coverage/plans/<int:pk>/pin/", events.PlanRunPinView.as_view(), name="plan-run-pin"),
    path(
        "coverage/plans/<int:pk>/make-events/",
        events.PlanRunMakeEventsView.as_view(),
        name="plan-run-make-events",
    ),
    path(
        "coverage/plans/<int:pk>/replan/",
        events.PlanRunReplanView.as_view(),
        name="plan-run-replan",
    ),
    path("coverage/pins/<int:pk>/delete/", events.PinDeleteView.as_view(), name="pin-delete"),
]
