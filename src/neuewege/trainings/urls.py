"""Staff pages of the trainings app. URL names follow the record their ``pk`` is (the permission
matrix relies on it): ``training-…`` a training, ``training-session-…`` a session,
``training-registration-…`` a registration, ``assignment-run-…`` a run, ``module-…`` a module."""

from django.urls import path

from neuewege.core import exporters

from .services.trainings import TRANSITIONS
from .views import assignment, attendance, catalogue, overview, registrations, trainings

region = "regions/<str:region_key>/"

urlpatterns = [
    # the catalogue
    path("training-modules/", catalogue.ModuleListView.as_view(), name="module-list"),
    path(
        "training-modules/<int:pk>/edit/",
        catalogue.ModuleUpdateView.as_view(),
        name="module-update",
    ),
    # trainings and their sessions
    path(region + "trainings/", trainings.TrainingListView.as_view(), name="training-list"),
    path(region + "trainings/new/", trainings.TrainingCreateView.as_view(), name="training-create"),
    path("trainings/", trainings.StateTrainingListView.as_view(), name="training-state-list"),
    path(
        "trainings/new/", trainings.StateTrainingCreateView.as_view(), name="training-state-create"
    ),
    path("trainings/<int:pk>/", trainings.TrainingDetailView.as_view(), name="training-detail"),
    path(
        "trainings/<int:pk>/edit/", trainings.TrainingUpdateView.as_view(), name="training-update"
    ),
    *[
        path(
            f"trainings/<int:pk>/{step}/",
            trainings.TransitionView.as_view(step=step),
            name=f"training-{step}",
        )
        for step, transition in TRANSITIONS.items()
        if transition.by_planner
    ],
    path(
        "trainings/<int:pk>/sessions/new/",
        trainings.SessionCreateView.as_view(),
        name="training-session-create",  # pk: the training (the matrix is told so)
    ),
    path(
        "training-sessions/<int:pk>/edit/",
        trainings.SessionUpdateView.as_view(),
        name="training-session-update",
    ),
    path(
        "training-sessions/<int:pk>/cancel/",
        trainings.SessionCancelView.as_view(),
        name="training-session-cancel",
    ),
    #
    # registrations
    path(
        "trainings/<int:pk>/registrations/",
        registrations.RegistrationListView.as_view(),
        name="training-registrations",
    ),
    path(
        "trainings/<int:pk>/registrations/add/",
        registrations.RegistrationsAddView.as_view(),
        name="training-registrations-add",
    ),
    path(
        "training-registrations/<int:pk>/cancel/",
        registrations.RegistrationCancelView.as_view(),
        name="training-registration-cancel",
    ),
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
