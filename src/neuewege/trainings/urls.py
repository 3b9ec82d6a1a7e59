"""Staff pages of the trainings app. URL names follow the record their ``pk`` is (the permission
matrix relies on it): ``training-…`` a training, ``training-session-…`` a session,
``training-registration-…`` a registration, ``assignment-run-…`` a run, ``module-…`` a module."""

from django.urls import path

from .views import assignment, catalogue, trainings

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
    path(
        "trainings/<int:pk>/assignment/",
        assignment.TrainingAssignmentView.as_view(),
        name="training-assignment",
    ),
    path(
        "trainings/<int:pk>/publish/",
        assignment.TrainingPublishView.as_view(),
        name="training-publish",
    ),
    path(
        "training-registrations/<int:pk>/pin/",
        assignment.TrainingRegistrationPinView.as_view(),
        name="training-registration-pin",
    ),
    path(
        "assignment-runs/<int:pk>/",
        assignment.AssignmentRunDetailView.as_view(),
        name="assignment-run-detail",
    ),
    #
    #
    # attendance, certificates
    #
    #
    # the overview
    #
]
