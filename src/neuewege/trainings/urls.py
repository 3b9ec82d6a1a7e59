"""Staff pages of the trainings app. URL names follow the record their ``pk`` is (the permission
matrix relies on it): ``training-…`` a training, ``training-session-…`` a session,
``training-registration-…`` a registration, ``assignment-run-…`` a run, ``module-…`` a module."""

from django.urls import path

from neuewege.core import exporters

from .views import assignment, attendance, catalogue, trainings

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
    path(
        "training-sessions/<int:pk>/attendance/",
        attendance.SessionAttendanceView.as_view(),
        name="training-session-attendance",
    ),
    path(
        "training-registrations/<int:pk>/certificate.pdf",
        exporters.alias("training-certificate", "pdf"),
        name="training-registration-certificate",
    ),
    path(
        "trainings/<int:pk>/certificates.pdf",
        exporters.alias("training-certificates", "pdf"),
        name="training-certificates",
    ),
    path(
        "trainings/<int:pk>/certificates/send/",
        attendance.TrainingCertificatesSendView.as_view(),
        name="training-certificates-send",
    ),
    path(
        "trainings/<int:pk>/attendance-by-institution.<str:fmt>",
        exporters.alias("training-institution-list"),
        name="training-institution-list",
    ),
    #
    # the overview
    #
]
