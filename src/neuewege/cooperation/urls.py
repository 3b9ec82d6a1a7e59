"""Staff pages of regional cooperation (signed in, region-scoped through the AccessMixin)."""

from django.urls import path

from .views import checks, dashboards, goals, materials, steering_group, tasks

region = "regions/<str:region_key>/"
check = region + "checks/<int:version>/"

urlpatterns = [
    path(region + "dashboard/", dashboards.RegionDashboardView.as_view(), name="region-dashboard"),
    path("state/", dashboards.StateOverviewView.as_view(), name="state-overview"),
    path("state/regions.<str:fmt>", dashboards.state_overview_export, name="state-overview-export"),
    path(region + "checks/", checks.CheckListView.as_view(), name="check-list"),
    path(region + "checks/new/", checks.CheckCreateView.as_view(), name="check-create"),
    path(region + "checks/compare/", checks.CheckCompareView.as_view(), name="check-compare"),
    path(check, checks.CheckDetailView.as_view(), name="check-detail"),
    path(check + "pdf/", checks.check_pdf, name="check-pdf"),
    path(check + "action-plan/", checks.ActionPlanCreateView.as_view(), name="action-plan-create"),
    path(region + "goals/", goals.GoalListView.as_view(), name="goal-list"),
    path(region + "goals/new/", goals.GoalFormView.as_view(), name="goal-create"),
    path(region + "goals/<int:pk>/edit/", goals.GoalFormView.as_view(), name="goal-update"),
    path(
        region + "goals/<int:pk>/values/new/",
        goals.MeasurementCreateView.as_view(),
        name="measurement-create",
    ),
    path(region + "tasks/", tasks.TaskListView.as_view(), name="task-list"),
    path(region + "tasks/new/", tasks.TaskCreateView.as_view(), name="task-create"),
    path(region + "tasks/<int:pk>/edit/", tasks.TaskUpdateView.as_view(), name="task-update"),
    path(
        region + "steering-group/",
        steering_group.SteeringGroupView.as_view(),
        name="steering-group",
    ),
    path(
        region + "steering-group/edit/",
        steering_group.SteeringGroupUpdateView.as_view(),
        name="steering-group-update",
    ),
    path(
        region + "meetings/new/", steering_group.MeetingCreateView.as_view(), name="meeting-create"
    ),
    path(
        region + "meetings/<int:pk>/",
        steering_group.MeetingDetailView.as_view(),
        name="meeting-detail",
    ),
    path(
        region + "meetings/<int:pk>/edit/",
        steering_group.MeetingUpdateView.as_view(),
        name="meeting-update",
    ),
    path(
        region + "meetings/<int:pk>/minutes/",
        steering_group.MeetingMinutesView.as_view(),
        name="meeting-minutes",
    ),
    path(
        region + "meetings/<int:pk>/invite/",
        steering_group.MeetingInviteView.as_view(),
        name="meeting-invite",
    ),
    path(region + "materials/", materials.MaterialListView.as_view(), name="material-list"),
    path("materials/", materials.MaterialListView.as_view(), name="programme-material-list"),
    path(region + "materials/new/", materials.MaterialFormView.as_view(), name="material-create"),
    path("materials/new/", materials.MaterialFormView.as_view(), name="programme-material-create"),
    path("materials/<int:pk>/", materials.MaterialDetailView.as_view(), name="material-detail"),
    path("materials/<int:pk>/edit/", materials.MaterialFormView.as_view(), name="material-update"),
    path(
        "materials/<int:pk>/delete/", materials.MaterialDeleteView.as_view(), name="material-delete"
    ),
    path(
        "materials/<int:pk>/<int:number>/",
        materials.MaterialDownloadView.as_view(),
        name="material-download",
    ),
]
