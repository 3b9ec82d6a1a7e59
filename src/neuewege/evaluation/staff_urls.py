"""Staff pages of the survey invitations: the texts a family centre sends by phone."""

from django.urls import path

from . import staff_views

urlpatterns = [
    path(
        "institutions/<int:pk>/survey-texts/",
        staff_views.SurveyTextsView.as_view(),
        name="survey-texts",
    ),
    path(
        "survey-invitations/<int:pk>/sent/",
        staff_views.SurveyTextSentView.as_view(),
        name="survey-text-sent",
    ),
]
