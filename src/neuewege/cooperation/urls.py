"""Staff pages of regional cooperation (signed in, region-scoped through the AccessMixin)."""

from django.urls import path

from . import views

region = "regions/<str:region_key>/"
check = region + "checks/<int:version>/"

urlpatterns = [
    path(region + "dashboard/", views.RegionDashboardView.as_view(), name="region-dashboard"),
    path("state/", views.StateOverviewView.as_view(), name="state-overview"),
    path("state/regions.<str:fmt>", views.state_overview_export, name="state-overview-export"),
    path(region + "checks/", views.CheckListView.as_view(), name="check-list"),
    path(region + "checks/new/", views.CheckCreateView.as_view(), name="check-create"),
    path(region + "checks/compare/", views.CheckCompareView.as_view(), name="check-compare"),
    path(check, views.CheckDetailView.as_view(), name="check-detail"),
    path(check + "pdf/", views.check_pdf, name="check-pdf"),
    path(check + "action-plan/", views.ActionPlanCreateView.as_view(), name="action-plan-create"),
    path(region + "goals/", views.GoalListView.as_view(), name="goal-list"),
    path(region + "goals/new/", views.GoalFormView.as_view(), name="goal-create"),
    path(region + "goals/<int:pk>/edit/", views.GoalFormView.as_view(), name="goal-update"),
    path(
        region + "goals/<int:pk>/values/new/",
        views.MeasurementCreateView.as_view(),
        name="measurement-create",
    ),
    path(region + "tasks/", views.TaskListView.as_view(), name="task-list"),
    path(region + "tasks/new/", views.TaskCreateView.as_view(), name="task-create"),
    path(region + "tasks/<int:pk>/edit/", views.TaskUpdateView.as_view(), name="task-update"),
    path(region + "steering-group/", views.SteeringGroupView.as_view(), name="steering-group"),
    path(
        region + "steering-group/edit/",
        views.SteeringGroupUpdateView.as_view(),
        name="steering-group-update",
    ),
    path(region + "meetings/new/", views.MeetingCreateView.as_view(), name="meeting-create"),
    path(region + "meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path(
        region + "meetings/<int:pk>/edit/", views.MeetingUpdateView.as_view(), name="meeting-update"
    ),
    path(
        region + "meetings/<int:pk>/minutes/",
        views.MeetingMinutesView.as_view(),
        name="meeting-minutes",
    ),
    path(
        region + "meetings/<int:pk>/invite/",
        views.MeetingInviteView.as_view(),
        name="meeting-invite",
    ),
    path(region + "materials/", views.MaterialListView.as_view(), name="material-list"),
    path("materials/", views.MaterialListView.as_view(), name="programme-material-list"),
    path(region + "materials/new/", views.MaterialFormView.as_view(), name="material-create"),
    path("materials/new/", views.MaterialFormView.as_view(), name="programme-material-create"),
    path("materials/<int:pk>/", views.MaterialDetailView.as_view(), name="material-detail"),
    path("materials/<int:pk>/edit/", views.MaterialFormView.as_view(), name="material-update"),
    path("materials/<int:pk>/delete/", views.MaterialDeleteView.as_view(), name="material-delete"),
    path(
        "materials/<int:pk>/<int:number>/",
        views.MaterialDownloadView.as_view(),
        name="material-download",
    ),
]
