"""Registrations sent at the same moment (PostgreSQL; the pass of `make test` with
NEUEWEGE_TEST_POSTGRES_URL runs these): one registration per address and training, and never
more confirmed registrants than the training's places."""

import pytest
from django.utils import translation

from neuewege.core.errors import ValidationFailed
from neuewege.trainings.models import TrainingRegistration
from neuewege.trainings.services import registrations as services
from tests.events.test_concurrency import run_together
from tests.factories import InstitutionFactory, make_training

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("reference_data")]


def test_the_same_address_sent_eight_times_at_once_registers_once(wesel):
    training = make_training(wesel, sessions=1)
    centre = InstitutionFactory(region=wesel)
    session = training.sessions.get()

    def register(index):
        application = services.Application(
            first_name="Jana",
            last_name="Schulte",
            email="Jana@Example.org" if index % 2 else "jana@example.org",
            institution_id=centre.pk,
            session_ids=[session.pk],
        )
        with translation.override("en"):
            try:
                services.register(key=training.registration_key, application=application)
            except ValidationFailed as error:
                return error.errors
        return "registered"

    results = run_together(8, register)
    assert results.count("registered") == 1
    refused = [result for result in results if result != "registered"]
    assert all(list(result) == ["email"] for result in refused)
    assert TrainingRegistration.objects.filter(training=training).count() == 1
