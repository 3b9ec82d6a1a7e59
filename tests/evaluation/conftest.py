from datetime import date

import pytest
from django.utils import timezone

from neuewege.evaluation import services
from neuewege.evaluation.models import Questionnaire
from neuewege.evaluation.questionnaires import PARENT_FOLLOW_UP
from neuewege.events.models import ConsentText, Registration
from tests.factories import make_event

TODAY = date(2026, 3, 10)


@pytest.fixture
def follow_up(db):
    return Questionnaire.objects.current(PARENT_FOLLOW_UP)


@pytest.fixture
def event(family_centre):
    return make_event(family_centre, "parent_course")


@pytest.fixture
def registration_for(event):
    """A confirmed registration of a parent who agreed to the survey."""

    def make(first_name="Olena", email="olena@example.org", survey_consent=True):
        booking = ConsentText.objects.get(purpose="booking", version=1)
        survey = ConsentText.objects.get(purpose="survey", version=1)
        now = timezone.now()
        return Registration.objects.create(
            event=event,
            status=Registration.Status.CONFIRMED,
            source=Registration.Source.ONLINE,
            first_name=first_name,
            email=email,
            language="uk",
            consent=booking,
            consented_at=now,
            survey_consent=survey if survey_consent else None,
            survey_consented_at=now if survey_consent else None,
        )

    return make


@pytest.fixture
def invite(follow_up, event, registration_for):
    """An invitation of a new consenting parent of ``event``; returns (invitation, token)."""

    def make(**changes):
        arguments = {
            "questionnaire": follow_up,
            "event": event,
            "registration": registration_for(),
            "month": date(2026, 1, 20),
            "due_on": date(2026, 3, 1),
            "expires_on": date(2026, 4, 12),
        } | changes
        return services.create_invitation(**arguments)

    return make
