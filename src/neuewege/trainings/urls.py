"""Staff pages of the trainings app. URL names follow the record their ``pk`` is (the permission
matrix relies on it): ``training-…`` a training, ``training-session-…`` a session,
``training-registration-…`` a registration, ``assignment-run-…`` a run, ``module-…`` a module."""

from django.urls import path

from .views import catalogue, overview, trainings

region = "regions/<str:region_key>/"

urlpatterns = [
    # the catalogue
    path("training-modules/", catalogue.ModuleListView.as_view(), name="module-list"),
    # trainings and their sessions
    path(region + "trainings/", trainings.TrainingListView.as_view(), name="training-list"),
    #
    # registrations
    #
    #
    # the balanced assignment
    #
    #
    # attendance, certificates
    #
    #
    # the overview
    path(
        region + "trainings/overview/",
        overview.TrainingOverviewView.as_view(),
        name="training-overview",
    ),
    path(
        region + "trainings/overview.<str:fmt>",
        overview.overview_export,
        name="training-overview-export",
    ),
    path(
        "trainings/overview/",
        overview.TrainingStateOverviewView.as_view(),
        name="training-state-overview",
    ),
    path(
        "trainings/overview.<str:fmt>",
        overview.state_overview_export,
        name="training-state-overview-export",
    ),
]
